"""Output check of lockorder_tsan: a relaxed spinlock does not order its critical sections."""


def check(output, args):
    assert "WARNING: ThreadSanitizer: data race" in output, "ThreadSanitizer reported no data race"
    assert "lost_increments" in output, "the report should point at the increment under the lock"
