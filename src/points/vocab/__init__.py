"""The vocabulary floor: the words every stage may use and none of them owns.

Statuses and their Chinese labels (:mod:`.statuses`), flag and data-issue codes with their
labels (:mod:`.codes`), the data-issue table (:mod:`.issues`), the error family
(:mod:`.errors`), name normalisation and suggestions (:mod:`.text`) and the table helpers
(:mod:`.frames`). Nothing here imports from another package of ``points``.
"""
