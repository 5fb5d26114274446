"""The app as gunicorn serves it in the tests of tests/security: the production factory, with the
limits a test sets through the environment, cheap password hashing, and the worker's process id in a
header (so that a test can see that several workers answered)."""

import os

from training_portal import create_app

TEST_SETTINGS = ("LOGIN_RATE_LIMIT", "CHECKIN_DEVICE_RATE_LIMIT", "CHECKIN_CODE_GUESS_DEVICE_LIMIT",
                 "CHECKIN_CODE_GUESS_ADDRESS_LIMIT", "RATELIMIT_KEY_PREFIX")

app = create_app({
    **{key: os.environ[key] for key in TEST_SETTINGS if key in os.environ},
    "PASSWORD_TIME_COST": 1, "PASSWORD_MEMORY_COST": 8 * 1024, "PASSWORD_PARALLELISM": 1,
})
app.instance_path = os.environ["TRAINING_PORTAL_INSTANCE"]


@app.after_request
def name_the_worker(response):
    response.headers["X-Worker-Pid"] = str(os.getpid())
    return response
