"""Output check of chapter 9's stuck: the leak, the deadlock, the double close and the send
on a closed channel are each reported with Go's words; the fixed version finishes."""
from checklib import int_option, section_lines


def check(output, args):
    senders = int_option(args, "--senders", 3)
    leak = section_lines(output, "leak: the first")
    assert leak[0] == (f"goroutine leak: main returned, but {senders - 1} goroutine(s) "
                       "can never finish:"), leak
    assert len(leak) == senders and all(l.endswith("[chan send]") for l in leak[1:]), leak
    dead = section_lines(output, "deadlock")
    assert dead == ["all goroutines are asleep - deadlock!",
                    "  goroutine 1 [chan receive] (main)", "  goroutine 2 [chan receive]"], dead
    assert section_lines(output, "close twice") == ["panic: close of closed channel"]
    assert section_lines(output, "send on a closed") == ["panic: send on closed channel"]
    assert section_lines(output, "leak fixed") == ["finished normally"]
