"""Share policies: which accounts get a model card at which stage, with which RAM permission.

Modules: ``models`` (the pydantic models, pure), ``loader`` (parse and validate), ``iam`` (the IAM/KMS
documents a share implies), ``exceptions``. Import from the defining module; this file exports nothing.
"""
