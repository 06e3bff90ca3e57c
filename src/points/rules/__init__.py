"""Rules as data: the ruleset model, loading TOML files with located errors, shipped rulesets.

A ruleset is plain, frozen data (:mod:`.model`); its file format is declared once, key by key,
in :mod:`.schema`. :func:`load_ruleset` (:mod:`.load`) reads one from a TOML file or by the name
of a shipped one (``shipped/*.toml``); :mod:`.build` reads it section by section, checking with
:mod:`.check`, and reports every problem with its key path. Nothing here reads sheets or
scores: the later stages take a :class:`Ruleset`.
"""

from ..vocab.errors import RulesetError
from .load import default_ruleset, load_ruleset, shipped_rulesets
from .model import Ruleset

__all__ = ["Ruleset", "RulesetError", "default_ruleset", "load_ruleset", "shipped_rulesets"]
