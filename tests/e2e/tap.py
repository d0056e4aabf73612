"""tap.py - what the browser tests share: TAP lines ("ok - ...",
"not ok - ...") with a count of failures, and waiting for a condition."""
import time

failed = 0


def check(what, cond):
    """One TAP line; counts a failure."""
    global failed
    print(("ok - " if cond else "not ok - ") + what, flush=True)
    failed += not cond


def wait(cond, seconds=10):
    """cond() true within seconds (polled every 0.2 s), or its last answer."""
    end = time.time() + seconds
    while time.time() < end:
        if cond():
            return True
        time.sleep(0.2)
    return cond()


def exit_code():
    return 1 if failed else 0
