"""Output check of deadlock: the deadlock is detected by at least one thread, and both fixes finish correctly."""
import re


def check(output, args):
    m = re.search(r"threads that detected the deadlock: (\d) of 2", output)
    assert m and int(m[1]) >= 1, "no thread detected the deadlock"
    assert output.count("gave up waiting for the second: deadlock") == int(m[1]), "detections and reports disagree"
    balances = re.findall(r"finished; total balance (\d+)", output)
    assert balances == ["2000", "2000"], f"both fixes must finish and conserve the money: {balances}"
