"""Output check of race_tsan: ThreadSanitizer reports the race, and the atomic counter stays exact."""
import re


def check(output, args):
    assert "WARNING: ThreadSanitizer: data race" in output, "ThreadSanitizer reported no data race"
    assert re.search(r"increments", output), "the report does not name the racy increment functions"
    m = re.search(r"^atomic\s+expected\s+(\d+)\s+got\s+(\d+)", output, re.M)
    assert m and m[1] == m[2], "the atomic counter is not exact"
