"""Background jobs: the queue (queue.py), the job kinds (registry.py, kinds/), the huey tasks
that run them (tasks.py). State lives in the Job table; see api/services/jobs.py."""
