"""Python 3 comparison function: a Lambda custom runtime loop (the Runtime API, standard library
only) that imports boto3, creates the clients the Go engine uses and, per SQS record, assumes the
account's read-only role, reads the named bucket's tags and reads the Macie member."""
import json
import os
import urllib.request

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

REGION = os.environ["AWS_REGION"]
SESSION = boto3.session.Session(region_name=REGION)
CLIENTS = {
    name: SESSION.client(name, config=Config(s3={"addressing_style": "path"}))
    for name in ("sts", "s3", "macie2", "organizations", "resourcegroupstaggingapi")
}
ROLE = os.environ["READ_ROLE_NAME"]
API = "http://" + os.environ["AWS_LAMBDA_RUNTIME_API"] + "/2018-06-01/runtime/invocation/"


def handle(event):
    for record in event.get("Records", []):
        detail = json.loads(record["body"])["detail"]
        account = detail["recipientAccountId"]
        bucket = detail["requestParameters"]["bucketName"]
        creds = CLIENTS["sts"].assume_role(
            RoleArn="arn:aws:iam::%s:role/%s" % (account, ROLE), RoleSessionName="macie-selfservice"
        )["Credentials"]
        s3 = SESSION.client(
            "s3",
            aws_access_key_id=creds["AccessKeyId"],
            aws_secret_access_key=creds["SecretAccessKey"],
            aws_session_token=creds["SessionToken"],
            config=Config(s3={"addressing_style": "path"}),
        )
        s3.get_bucket_tagging(Bucket=bucket)
        try:
            CLIENTS["macie2"].get_member(id=account)
        except ClientError:
            pass  # not a member: ResourceNotFound, Validation or AccessDenied, as in the engine
    return {"batchItemFailures": []}


def main():
    while True:
        with urllib.request.urlopen(API + "next") as res:
            request_id = res.headers["Lambda-Runtime-Aws-Request-Id"]
            event = json.loads(res.read())
        body = json.dumps(handle(event), separators=(",", ":")).encode()
        req = urllib.request.Request(API + request_id + "/response", data=body, method="POST")
        urllib.request.urlopen(req).close()


main()
