import pytest

from clipper.timecode import format_clock, format_srt, format_vtt, parse_clock, parse_iso_duration, time_value_to_sec


@pytest.mark.parametrize("sec, text", [(0, "0:00"), (9.9, "0:09"), (71, "1:11"), (3599, "59:59"), (3600, "1:00:00"), (3634, "1:00:34"), (36000, "10:00:00")])
def test_format_clock(sec, text):
    assert format_clock(sec) == text


@pytest.mark.parametrize("sec, text", [(0, "00:00:00.000"), (71.5, "00:01:11.500"), (3634.0004, "01:00:34.000"), (59.9996, "00:01:00.000")])
def test_format_vtt(sec, text):
    assert format_vtt(sec) == text
    assert format_srt(sec) == text.replace(".", ",")


@pytest.mark.parametrize("text, sec", [("1:11", 71), ("0:09", 9), ("1:00:34", 3634), ("01:02:03.5", 3723.5), ("42", 42), ("x:1", None), ("", None)])
def test_parse_clock(text, sec):
    assert parse_clock(text) == sec


def test_yaml_base60_integer_is_already_seconds():
    # YAML 1.1 loads an unquoted 1:11 as 71 and 1:00:34 as 3634.
    assert time_value_to_sec(71) == 71
    assert time_value_to_sec("1:11") == 71
    assert time_value_to_sec(True) is None
    assert time_value_to_sec(None) is None


@pytest.mark.parametrize("text, sec", [("PT00H59M23S", 3563), ("PT1H", 3600), ("PT59M", 3540), ("PT45.5S", 45.5), ("P1DT1S", 86401), ("PT", None), ("59:23", None), ("P", None)])
def test_parse_iso_duration(text, sec):
    assert parse_iso_duration(text) == sec
