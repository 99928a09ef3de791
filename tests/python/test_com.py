"""phylane.com: to_dict() equals `phylane com --json` on the same files and sheet settings."""
import phylane
import pytest
from conftest import cli_error, cli_json, reference

THRU = "touchstone/TEC_SMT_IO_42GHz_Thru_B5B6_4in.s4p"


def test_com_with_sheet_settings_equals_the_command():
    thru = reference(THRU)
    r = phylane.com(str(thru), set={"COM Pass threshold": 30})
    d = r.to_dict()
    assert d == cli_json("com", "-q", thru, "--set", "COM Pass threshold=30")
    assert (r.com_db, r.passed) == (d["com_db"], d["pass"])


def test_com_rejects_what_the_command_rejects_with_its_message():
    thru = reference(THRU)
    two = reference("touchstone/pcb_stripline_119mm.s2p")
    with pytest.raises(phylane.Error) as e:
        phylane.com(str(thru), fext=[str(two)])
    assert str(e.value) == cli_error("com", "-q", thru, "--fext", two)
    with pytest.raises(phylane.Error) as e:
        phylane.com(str(thru), sheet="no-such-sheet")
    assert str(e.value) == cli_error("com", "-q", thru, "--sheet", "no-such-sheet")
