# IPython kernel configuration for the project's environment: `make env` copies it to
# .venv/etc/ipython/, where every kernel of that environment reads it (plain papermill,
# nbval, JupyterLab and the kernels `kzaf run` forks from its kernel server).
#
# ipykernel warns on stderr, at every start, that a kernel talks over TCP without encryption.
# Here the kernel and its client are always on one machine, bound to 127.0.0.1, so the warning
# says nothing to act on, and it would make every scheduled papermill run print to stderr (a
# cron job mails that). Only that message is dropped; every other kernel message still shows.
import logging

c = get_config()  # noqa: F821 (IPython provides it when it reads this file)

PLAIN_TCP_NOTICE = "Kernel is running over TCP without encryption"


class WithoutPlainTcpNotice(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith(PLAIN_TCP_NOTICE)


c.IPKernelApp.logging_config = {
    "filters": {"without_plain_tcp_notice": {"()": WithoutPlainTcpNotice}},
    "handlers": {"console": {"filters": ["without_plain_tcp_notice"]}},
}
