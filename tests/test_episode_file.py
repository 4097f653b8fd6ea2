from __future__ import annotations

import re
from pathlib import Path

import pytest

from clipper.episode_file import episode_slug, read_episode
from clipper.errors import EpisodeError, PeopleError
from clipper.model import Header, Link

from .conftest import BROKEN_EPISODES, GOOD_EPISODES, PEOPLE, PODCAST, SEEDS

ONE_LINE_ERROR = re.compile(r"^(?P<path>[^\n]+?):(?P<line>\d+): [^\n;]+; [^\n]+$")


@pytest.mark.parametrize("path", GOOD_EPISODES, ids=lambda p: p.name)
def test_every_real_episode_loads(path):
    episode = read_episode(path, PEOPLE)
    assert episode.title and episode.slug
    assert all(guest.is_known for guest in episode.guests)
    assert all("transcript item(s) repeated" in problem.message for problem in episode.warnings), episode.warnings
    for line in episode.lines:
        assert line.text
        assert line.sec is None or 0 <= line.sec < 4 * 3600


@pytest.mark.parametrize("name, line", sorted(BROKEN_EPISODES.items()))
def test_broken_episodes_fail_with_one_line_naming_file_and_line(name, line):
    with pytest.raises(EpisodeError) as caught:
        read_episode(PODCAST / name, PEOPLE)
    match = ONE_LINE_ERROR.match(caught.value.message)
    assert match, caught.value.message
    assert match["path"] == str(PODCAST / name)
    assert int(match["line"]) == line


def test_reference_episode_fields(seed_001):
    episode = read_episode(seed_001, PEOPLE)
    assert episode.short == "Transitioning from Academia to Industry as a Staff AI Engineer"
    assert episode.duration_sec == 59 * 60 + 23
    assert episode.youtube_id == "_xr1_xb736E"
    assert episode.youtube_url == "https://www.youtube.com/watch?v=_xr1_xb736E"
    assert len(episode.clips) == 25 and len(episode.headers) == 26 and len(episode.lines) == 125
    assert episode.clips[1].start_sec == 71 and episode.clips[1].end_sec == 113
    assert episode.topics[:2] == ("machine learning", "career transition")
    assert [link.title for link in episode.body_links] == ["LinkedIn", "Twitter", "GitHub", "Website"]
    assert episode.guests[0].name == "Tatiana Gabruseva"
    assert "Kaggle Competitions Master" in episode.guests[0].bio
    first = episode.lines[0]
    assert (first.sec, first.who, first.source_line) == (71, "Alexey", 150)
    assert first.text.startswith("This week, we'll talk about the role of a staff AI engineer.")


def test_old_format_with_escapes_and_headers_without_lines():
    episode = read_episode(SEEDS / "002_c3dced088ed158fe.txt", PEOPLE)
    assert not episode.clips and not episode.intro and episode.duration_sec is None
    assert episode.headers[0].title == "Alexey\u2019s background"
    assert "\\" not in episode.lines[0].text and "\u2013" in episode.lines[0].text
    assert [g.name for g in episode.guests] == ["Eugene Yan", "Alexey Grigorev"]


def test_unquoted_times_load_as_seconds(tmp_path):
    path = tmp_path / "ep.md"
    path.write_text("---\ntitle: T\ntranscript:\n- line: Hi.\n  time: 1:11\n  who: A\n- line: Yo.\n  time: '1:00:34'\n  who: B\n---\n")
    assert [line.sec for line in read_episode(path).lines] == [71, 3634]


def test_sec_is_the_source_of_truth_over_time(tmp_path):
    path = tmp_path / "ep.md"
    path.write_text("---\ntitle: T\ntranscript:\n- line: Hi.\n  sec: 75\n  time: '9:99'\n  who: A\n---\n")
    assert read_episode(path).lines[0].sec == 75


def test_double_extension_slug():
    assert episode_slug(Path("mentoring-in-tech-how-to-find-and-become-a-mentor.md.md")) == "mentoring-in-tech-how-to-find-and-become-a-mentor"
    assert episode_slug(Path("_podcast/s23e03-future-of-ai-agents.md")) == "s23e03-future-of-ai-agents"


def test_minimal_episode_has_every_optional_field_empty(tmp_path):
    path = tmp_path / "ep.md"
    path.write_text("---\ntitle: Only a title\n---\n")
    episode = read_episode(path)
    assert (episode.transcript, episode.clips, episode.topics, episode.intro, episode.duration_sec) == ((), (), (), "", None)


def test_header_with_no_lines_is_kept(tmp_path):
    path = tmp_path / "ep.md"
    path.write_text("---\ntitle: T\ntranscript:\n- header: A\n- header: B\n- line: x\n  sec: 5\n---\n")
    assert [type(item) for item in read_episode(path).transcript] == [Header, Header, type(read_episode(path).lines[0])]


def test_unknown_guest_is_unnamed_with_warning(tmp_path):
    path = tmp_path / "ep.md"
    path.write_text("---\ntitle: T\nguests: [nobodyknows, alexeygrigorew]\n---\n")
    episode = read_episode(path, PEOPLE)
    assert [(guest.name, guest.is_known) for guest in episode.guests] == [("", False), ("", False)]
    assert "unknown guest 'nobodyknows'" in str(episode.warnings[0])
    assert "did you mean 'alexeygrigorev'?" in str(episode.warnings[1])
    elsewhere = read_episode(path, tmp_path / "no-such-folder")
    assert f"the people folder {tmp_path / 'no-such-folder'} does not exist: check --people" in str(elsewhere.warnings[0])


def test_people_folder_beside_the_episode_folder_is_found_by_default():
    episode = read_episode(PODCAST / "crisp-dm.md")
    assert episode.guests[0].name == "Alexey Grigorev"


def test_in_page_anchors_of_a_table_of_contents_are_not_links():
    episode = read_episode(PODCAST / "crisp-dm.md")
    assert "[Why Processes Matter](#why-processes-matter)" in (PODCAST / "crisp-dm.md").read_text(encoding="utf-8")
    assert episode.body_links == ()


@pytest.mark.parametrize("content, line, words", [
    ("---\ntitle: T\nguests: [a\n---\n", 4, "invalid YAML"),
    ("---\ntitle: T\ntranscript:\n- line: ok\n  sec: 1\n- line: 'unclosed\n---\n", 7, "invalid YAML"),
    ("---\ntitle: T\n", 1, "no closing '---'"),
    ("title: T\n", 1, "does not start with front matter"),
    ("\n\n_\n---\ntitle: T\n---\n", 3, "does not start with front matter"),
    ("---\nguests: []\n---\n", 2, "no 'title'"),
    ("---\n- a\n- b\n---\n", 2, "not a YAML mapping"),
    ("---\ntitle: T\nquotableClips:\n- name: c\n  startOffset: x\n  endOffset: 3\n---\n", 4, "'startOffset' is not a time: 'x'"),
    ("---\ntitle: T\nquotableClips:\n- name: c\n  startOffset: 3\n---\n", 4, "no numeric startOffset"),
    # What an attack found: each of these once ended a batch in a traceback, or passed `check`.
    ("---\ntitle: T\nseason: " + "9" * 4400 + "\n---\n", 3, "cannot be read as int"),
    ("---\ntitle: T\nseason: !!float one\n---\n", 3, "cannot be read as float"),
    ("---\ntitle: T\ntranscript:\n- line: a\n  sec: 1.0e+309\n---\n", 4, "'sec' is not a time: inf"),
    ("---\ntitle: T\ntranscript:\n- line: a\n  sec: 1e309\n---\n", 4, "'sec' is not a time: '1e309'"),
    ("---\ntitle: T\ntranscript:\n- line: a\n  sec: .nan\n---\n", 4, "'sec' is not a time: nan"),
    ("---\ntitle: T\ntranscript:\n- line: a\n  sec: -.inf\n---\n", 4, "'sec' is not a time: -inf"),
    ("---\ntitle: T\ntranscript:\n- line: a\n  sec: !!timestamp 2001-12-14\n---\n", 4, "'sec' is not a time: a date"),
    ("---\ntitle: T\ntranscript:\n- line: a\n  sec: !!timestamp soon\n---\n", 5, "cannot be read as timestamp"),
    ("---\ntitle: T\nquotableClips:\n- name: c\n  startOffset: 0\n  endOffset: .inf\n---\n", 4, "'endOffset' is not a time"),
    ("---\ntitle: T\nduration: .nan\n---\n", 3, "ISO 8601"),
    ("---\ntitle: T\nduration: P99999999D\n---\n", 3, "ISO 8601"),
    ("---\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\ntitle: T\n---\n", 2, "aliases are not allowed"),
    ("---\ntitle: T\nlinks: {youtube: &u 'https://y.com'}\nshort: *u\n---\n", 3, "aliases are not allowed"),
    ("---\ntitle: T\ntranscript:\n- who: A\n  sec: 3\n---\n", 4, "neither 'line' nor 'header'"),
    ("---\ntitle: T\nduration: soon\n---\n", 3, "ISO 8601"),
    ("---\ntitle: T\ntranscript: 5\n---\n", 3, "should be a list"),
])
def test_bad_files_name_the_line(tmp_path, content, line, words):
    path = tmp_path / "ep.md"
    path.write_text(content)
    with pytest.raises(EpisodeError) as caught:
        read_episode(path)
    message = caught.value.message
    assert ONE_LINE_ERROR.match(message), message
    assert message.startswith(f"{path}:{line}: "), message
    assert words in message


def test_binary_and_wrong_encoding_are_refused(tmp_path):
    binary = tmp_path / "a.md"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0")
    latin = tmp_path / "b.md"
    latin.write_bytes("---\ntitle: caf\u00e9\n---\n".encode("latin-1"))
    for path, words in ((binary, "binary"), (latin, "not UTF-8")):
        with pytest.raises(EpisodeError, match=words) as caught:
            read_episode(path)
        assert ONE_LINE_ERROR.match(caught.value.message)


@pytest.mark.parametrize("name", ["000_6df58c81865934d2.txt", "003_521438bc75bead74.txt"])
def test_raw_transcript_seeds_are_not_episode_files(name):
    with pytest.raises(EpisodeError) as caught:
        read_episode(SEEDS / name)
    assert caught.value.message.startswith(f"{SEEDS / name}:1: the file does not start with front matter")
    assert caught.value.message.endswith(f"for a raw transcript, make an episode file with 'clipper import {SEEDS / name}'")


@pytest.mark.parametrize("guest_id", ["../../secret", "/etc/passwd", "a/b", "a\\\\b", "..", ".hidden", "x" * 300])
def test_a_guest_id_is_a_name_not_a_path(tmp_path, guest_id):
    path = tmp_path / "ep.md"
    path.write_text(f"---\ntitle: T\nguests:\n- '{guest_id}'\n---\n")
    with pytest.raises(PeopleError) as caught:
        read_episode(path, PEOPLE)
    assert ONE_LINE_ERROR.match(caught.value.message)
    assert caught.value.message.startswith(f"{path}:3: guest id ")


def test_a_people_file_that_links_out_of_the_folder_is_not_read(tmp_path):
    people = tmp_path / "_people"
    people.mkdir()
    secret = tmp_path / "secret.md"
    secret.write_text("---\ntitle: root:x:0:0\n---\nroot:x:0:0:root:/root:/bin/bash\n")
    (people / "linky.md").symlink_to(secret)
    (people / "inside.md").symlink_to(PEOPLE / "alexeygrigorev.md")  # a link to a file outside, too
    (people / "friend.md").write_text("---\ntitle: A Friend\n---\n")
    (people / "alias.md").symlink_to(people / "friend.md")  # a link inside the folder is fine
    path = tmp_path / "ep.md"
    path.write_text("---\ntitle: T\nguests: [linky, inside, alias]\n---\n")
    episode = read_episode(path, people)
    assert [guest.name for guest in episode.guests] == ["", "", "A Friend"]
    assert "unknown guest 'linky'" in str(episode.warnings[0])


@pytest.mark.parametrize("content, words, line", [
    ("---\ntitle: Ren\u00e9\n---\nBio from caf\u00e9s\n".encode("latin-1"), "not UTF-8", 2),
    (b"", "is empty", 1),
    (b"  \n", "is empty", 1),
    (b"---\ntitle: [unclosed\n---\n", "invalid YAML", 3),
    (b"---\ntitle: &n A\nshort: *n\n---\n", "aliases are not allowed", 2),
    (b"---\n- a list\n---\n", "no front matter mapping", 1),
])
def test_a_broken_people_file_is_one_line_naming_it(tmp_path, content, words, line):
    people = tmp_path / "_people"
    people.mkdir()
    (people / "broken.md").write_bytes(content)
    path = tmp_path / "ep.md"
    path.write_text("---\ntitle: T\nguests: [broken]\n---\n")
    with pytest.raises(PeopleError) as caught:
        read_episode(path, people)
    assert caught.value.message.startswith(f"{people / 'broken.md'}:{line}: "), caught.value.message
    assert words in caught.value.message and ONE_LINE_ERROR.match(caught.value.message)


def test_control_characters_and_escape_sequences_are_dropped_at_load(tmp_path):
    people = tmp_path / "_people"
    people.mkdir()
    (people / "evil.md").write_text("---\ntitle: \"Eve\\e]0;owned\\a \\e[31mRed\\e[0m\"\n---\nBio \x1b[2J\x07here\n")
    path = tmp_path / "ep.md"
    path.write_text('---\ntitle: "A \\e[1;31mtitle\\x9b2J\\x00"\nguests: [evil]\ntranscript:\n- line: "hi \\e[5mthere\\r"\n'
                    '  who: "\\x1bcBob"\n  sec: 1\n- header: "\\x07Part"\n---\n')
    episode = read_episode(path, people)
    assert (episode.title, episode.lines[0].text, episode.lines[0].who, episode.headers[0].title) == ("A title", "hi there", "Bob", "Part")
    assert (episode.guests[0].name, episode.guests[0].bio) == ("Eve Red", "Bio here")
    path.write_text("---\ntitle: T\n---\nLinks:\n- [Site\x1b[2J](https://example.com/\x1b]0;x\x07a)\n", encoding="utf-8")
    assert read_episode(path).body_links[0] == Link("Site", "https://example.com/a")


def test_only_http_links_are_links_in_a_people_file(tmp_path):
    people = tmp_path / "_people"
    people.mkdir()
    (people / "eve.md").write_text("---\ntitle: Eve\nweb: javascript:alert(1)\ngithub: 'x) [y](javascript:z'\n"
                                   "twitter: eve\nlinkedin: data:text/html,hi\n---\n")
    (people / "bob.md").write_text("---\ntitle: Bob\nweb: 'bob.example.com'\n---\n")
    path = tmp_path / "ep.md"
    path.write_text("---\ntitle: T\nguests: [eve, bob]\n---\n")
    eve, bob = read_episode(path, people).guests
    assert [link.url for link in eve.links] == ["https://www.linkedin.com/in/data%3Atext%2Fhtml%2Chi/", "https://twitter.com/eve",
                                                "https://github.com/x%29%20%5By%5D%28javascript%3Az"]
    assert [link.url for link in bob.links] == ["https://bob.example.com"]


def test_lines_and_headers_written_twice_are_one_the_timed_attributed_copy_wins(tmp_path):
    path = tmp_path / "ep.md"
    path.write_text("---\ntitle: T\ntranscript:\n- header: Intro\n- header: Intro\n"
                    "- line: Hello there.\n- line: Hello there.\n  sec: 5\n  who: Ann\n"  # the untimed copy first
                    "- line: Yes.\n  sec: 9\n  who: Bob\n- line: Yes.\n  who: Bob\n"  # then after
                    "- line: Yes.\n  sec: 30\n  who: Ann\n"  # said again, later, by another: not a copy
                    "- header: Intro\n- line: Bye.\n  sec: 40\n  who: Ann\n- line: Bye.\n  sec: 40\n  who: Ann\n---\n")
    episode = read_episode(path)
    assert [(item.title,) if isinstance(item, Header) else (item.text, item.who, item.sec) for item in episode.transcript] == [
        ("Intro",), ("Hello there.", "Ann", 5), ("Yes.", "Bob", 9), ("Yes.", "Ann", 30), ("Intro",), ("Bye.", "Ann", 40)]
    assert [(problem.line, problem.message.split(" (")[0]) for problem in episode.warnings] == [
        (5, "4 transcript item(s) repeated from here on")]


def test_the_site_episode_with_every_header_twice_has_each_once():
    path = PODCAST / "machine-learning-system-design-interview.md"
    assert path.read_text(encoding="utf-8").count("- header: ") == 54
    titles = [header.title for header in read_episode(path, PEOPLE).headers]
    assert len(titles) == len(set(titles)) == 27


def test_keywords_load_as_a_comma_separated_line_or_a_list(tmp_path):
    crisp = read_episode(PODCAST / "crisp-dm.md", PEOPLE)
    assert crisp.keywords[:3] == ("CRISP-DM", "data science process", "machine learning methodology")
    listed = tmp_path / "listed.md"
    listed.write_text("---\ntitle: T\nkeywords:\n- feature store\n- A/B testing\n---\n", encoding="utf-8")
    assert read_episode(listed).keywords == ("feature store", "A/B testing")
    assert read_episode(PODCAST / "data-centric-ai.md", PEOPLE).keywords == ()
