"""Output check of chapter 7's race: with switches announced without synchronisation, TSan
reports the shared counter (a declared demonstration); with every switch announced as
synchronisation, the same race goes unreported."""


def check(output, args):
    if "--sync-switches" in args:
        assert "as synchronisation (flags 0)" in output
        assert "ThreadSanitizer" not in output, "TSan reported although every switch synchronises"
    else:
        assert "without synchronisation" in output
        assert "WARNING: ThreadSanitizer: data race" in output, "TSan missed the race"
        assert "race.cpp" in output, "the report does not point into race.cpp"
    assert "counter: " in output
