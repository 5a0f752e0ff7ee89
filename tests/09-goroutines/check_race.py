"""Output check of chapter 9's race: ThreadSanitizer reports the counter two goroutines
share without communicating (a declared demonstration), pointing into race.cpp."""


def check(output, args):
    assert "WARNING: ThreadSanitizer: data race" in output, "TSan missed the race"
    assert "race.cpp" in output, "the report does not point into race.cpp"
    assert "counter = " in output
