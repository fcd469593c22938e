"""Uploaded files: on disk, or in a bucket when FILE_STORAGE is s3."""

import os

FILE_STORAGE = os.environ.get("FILE_STORAGE", "local")
if FILE_STORAGE == "s3":
    AWS_STORAGE_BUCKET_NAME = os.environ["AWS_STORAGE_BUCKET_NAME"]
    AWS_S3_REGION_NAME = os.environ["AWS_S3_REGION_NAME"]
