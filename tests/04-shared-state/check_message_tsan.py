"""Output check of message_tsan: relaxed flags do not order the plain data, and ThreadSanitizer says so."""


def check(output, args):
    assert "WARNING: ThreadSanitizer: data race" in output, "ThreadSanitizer reported no data race"
    assert "consumer" in output and "producer" in output, "the report should name producer and consumer"
