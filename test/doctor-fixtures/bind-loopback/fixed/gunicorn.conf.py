# gunicorn reads this file from its working directory.
import os

bind = "0.0.0.0:" + os.environ.get("PORT", "8000")
worker_tmp_dir = "/dev/shm"
