"""``--dask``: the Dask cluster a command scores on — a local one it starts, or an existing
scheduler it connects to — opened for the command and closed after it."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from typing import Any

from ..backends.dask import ClusterError
from ..vocab.forking import worker_count

__all__ = ["ClusterError", "check_spec", "cluster"]

#: Seconds to wait for a scheduler given as an address.
CONNECT_TIMEOUT = 20


def check_spec(spec: str | None) -> None:
    """Raise :class:`ClusterError` for a ``--dask`` value that is neither ``local`` nor an
    address (checked before anything is read)."""
    if spec is not None and spec.strip().lower() != "local" and "://" not in spec:
        raise ClusterError("--dask：应为 local 或调度器地址（如 tcp://10.0.0.5:8786），"
                           f"实际是 {spec!r}")


@contextlib.contextmanager
def cluster(spec: str | None) -> Iterator[Any]:
    """A ``distributed.Client`` for ``spec`` (``local`` or ``tcp://HOST:PORT``), None
    without one."""
    if spec is None:
        yield None
        return
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise ClusterError("--dask 需要安装 dask：pip install \"points[dask]\"") from None
    with contextlib.ExitStack() as stack:
        if spec.strip().lower() == "local":
            local = stack.enter_context(LocalCluster(
                n_workers=worker_count(), threads_per_worker=1, processes=True,
                dashboard_address=None, silence_logs=logging.ERROR))
            client = stack.enter_context(Client(local))
        else:
            check_spec(spec)
            try:
                client = stack.enter_context(Client(spec, timeout=CONNECT_TIMEOUT))
            except (OSError, TimeoutError, ValueError) as error:
                raise ClusterError(f"无法连接 Dask 调度器 {spec}（{type(error).__name__}）；"
                                   "请确认调度器已启动、地址和端口正确") from None
        yield client
