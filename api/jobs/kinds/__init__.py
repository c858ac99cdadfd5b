"""Every job kind's handler, one module per feature; importing this package registers them all.
Add a module here and import it below (one line each, to keep merges easy)."""
from api.jobs.kinds import extraction  # noqa: F401
from api.jobs.kinds import imports  # noqa: F401
from api.jobs.kinds import claimreview_import  # noqa: F401
from api.jobs.kinds import webhooks  # noqa: F401
from api.jobs.kinds import matching  # noqa: F401
