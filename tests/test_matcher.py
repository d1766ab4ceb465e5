"""The free-recall matcher: typed questions -> bank questions (accuracy in en/nb/da, normalisation, statuses, CLI)."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path
from types import MappingProxyType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import casebook
from casebook import matcher
from casebook.cli import main
from casebook.matcher import (
    CLEAR_AT,
    CLEAR_MARGIN,
    MAX_CHOICES,
    NO_MATCH_BELOW,
    Candidate,
    LanguageTable,
    Matcher,
    MatchResult,
    language_table,
    match,
    matcher_for,
    normalise,
    read_language_tables,
    resolve,
)
from casebook.model import Text

BOOK = casebook.load()
BANK = BOOK.bank
TYPED_FILE = Path(__file__).parent / "data" / "typed_questions.json"
TYPED = json.loads(TYPED_FILE.read_text(encoding="utf-8"))["questions"]
# Norwegian Bokmål and Danish: typed questions of their own (not translations of the English file), same format.
TYPED_BY_LANG = {"en": TYPED} | {
    lang: json.loads((TYPED_FILE.parent / f"typed_questions_{lang}.json").read_text(encoding="utf-8"))["questions"]
    for lang in ("nb", "da")
}
LANGS = tuple(TYPED_BY_LANG)
REQUIRED_ACCURACY = 0.85


def top1(item: dict, lang: str = "en") -> str | None:
    """The matcher's answer for one typed question: the best question id, or None for 'no good match'."""
    result = match(BANK, item["text"], lang=lang)
    return None if result.is_none else result.best.question_id


# ---------------------------------------------------------------- the typed-question data and accuracy


@pytest.mark.parametrize("lang", LANGS)
def test_top1_accuracy_over_the_typed_questions_is_at_least_85_percent(lang):
    """The best match is the expected question (or 'no good match' where none is expected) for >= 85 % of the file."""
    typed = TYPED_BY_LANG[lang]
    misses = [(item["text"], item["expected"], top1(item, lang)) for item in typed]
    misses = [m for m in misses if m[1] != m[2]]
    accuracy = 1 - len(misses) / len(typed)
    print(f"top-1 accuracy ({lang}): {accuracy:.1%} over {len(typed)} typed questions; misses: {misses}")
    assert accuracy >= REQUIRED_ACCURACY, misses


@pytest.mark.parametrize("lang", LANGS)
def test_the_typed_questions_cover_the_bank_and_include_questions_it_lacks(lang):
    """At least 60 typed questions, each expected id a bank question, every topic covered, some expecting none."""
    expected = [item["expected"] for item in TYPED_BY_LANG[lang]]
    assert len(expected) >= 60
    assert set(expected) - {None} <= set(BANK.questions)
    assert {BANK.questions[e].topic for e in expected if e} == {t.id for t in BANK.topics}
    assert expected.count(None) >= 5


@pytest.mark.parametrize("lang", LANGS)
def test_no_typed_question_copies_a_bank_phrasing_or_text(lang):
    """The typed questions were written independently: none equals a bank phrasing or question text word for word.

    Compared after case, punctuation, contractions and plurals are normalised (not after stop words and lay words
    are dropped or mapped: "how long has this been going on" and "how long have you had it?" are different
    questions that only the matcher should find alike).
    """
    table = language_table(lang)

    def form(text: str) -> tuple[str, ...]:
        return tuple(table.stem(w) for w in table.words(text))

    bank_forms = {form(p) for q in BANK.questions.values() for p in (*q.words_for("phrasings", lang), q.text.get(lang))}
    copies = [item["text"] for item in TYPED_BY_LANG[lang] if form(item["text"]) in bank_forms]
    assert copies == []


@pytest.mark.parametrize("lang", LANGS)
def test_every_bank_question_has_phrasings_and_keywords_in_each_language(lang):
    """Each question carries 3-6 phrasings and at least one keyword for the matcher, in English, Bokmål and Danish."""
    thin = [
        q.id
        for q in BANK.questions.values()
        if not 3 <= len(q.words_for("phrasings", lang)) <= 6 or not q.words_for("keywords", lang)
    ]
    assert thin == []


@pytest.mark.parametrize("lang", LANGS)
def test_every_bank_phrasing_finds_its_own_question_first(lang):
    """A phrasing typed as the bank has it ranks its own question first (no phrasing shared by two questions)."""
    strays = []
    for q in BANK.questions.values():
        for phrasing in q.words_for("phrasings", lang):
            best = match(BANK, phrasing, lang=lang).best
            if best is None or best.question_id != q.id:
                strays.append((q.id, phrasing, best))
    assert strays == []


# ---------------------------------------------------------------- normalisation


def test_case_and_punctuation_do_not_matter():
    """Upper case and punctuation normalise away."""
    assert normalise("SNAP?!...") == normalise("snap") == ("snap",)


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("can't", ["cannot"]),
        ("didn't", ["did", "not"]),
        ("didn\u2019t", ["did", "not"]),
        ("I've", ["i", "have"]),
        ("it's", ["it"]),
        ("you're", ["you", "are"]),
        ("calf's", ["calf"]),
        ("dont", ["do", "not"]),
    ],
)
def test_contractions_expand(typed, words):
    """Contractions, curly apostrophes and apostrophe-less forms expand to whole words."""
    assert language_table("en").words(typed) == words


@pytest.mark.parametrize(
    ("one", "other"),
    [("cramps", "cramp"), ("legs", "leg"), ("numbness", "numb"), ("tingling", "tingle"), ("calves", "calf")],
)
def test_plurals_and_simple_suffixes_share_a_stem(one, other):
    """Inflected forms normalise to the same word."""
    assert normalise(one) == normalise(other)
    assert normalise(one) != ()


@pytest.mark.parametrize(
    ("lay", "bank_word"),
    [
        ("pins and needles", "tingling"),
        ("pop", "snap"),
        ("popped", "snap"),
        ("ping", "snap"),
        ("twang", "snap"),
        ("clot", "blood clot"),
        ("clots", "blood clot"),
        ("the pill", "contraceptive pill"),
        ("pee", "urine"),
        ("wee", "urine"),
        ("tummy", "abdomen"),
        ("calf muscle", "calf"),
        ("knackered", "tired"),
        ("tippy toes", "tiptoe"),
        ("tip toe", "tiptoe"),
    ],
)
def test_lay_words_map_to_the_bank_vocabulary(lay, bank_word):
    """A student's lay word normalises like the bank's word for it."""
    assert normalise(lay) == normalise(bank_word)


@pytest.mark.parametrize("text", ["between your legs", "last week", "sweet tea", "population"])
def test_lay_words_match_whole_words_only(text):
    """'wee' inside 'between' or 'week', 'pop' inside 'population' are not lay words."""
    assert normalise("urine")[0] not in normalise(text)
    assert normalise("snap")[0] not in normalise(text)


@pytest.mark.parametrize(
    ("typo", "expected"),
    [("numbess in the foot", "q_numbness"), ("is the calf swolen", "q_swelling"), ("tippy toes?", "q_tiptoe")],
)
def test_typos_and_variants_still_find_the_question(typo, expected):
    """Misspelt or variant words reach the right question through rapidfuzz."""
    assert match(BANK, typo).best.question_id == expected


# ---------------------------------------------------------------- statuses


def result_with(*scores: float) -> MatchResult:
    """A MatchResult whose candidates have the given scores (ids q0, q1, ...)."""
    return MatchResult(
        "typed", "en", ("typed",), tuple(Candidate(f"q{i}", s, "text", "t") for i, s in enumerate(scores))
    )


def test_a_high_score_with_a_clear_lead_is_clear():
    """At CLEAR_AT and CLEAR_MARGIN ahead of the runner-up, the best is asked directly."""
    result = result_with(CLEAR_AT, CLEAR_AT - CLEAR_MARGIN)
    assert (result.status, result.is_clear, result.is_ambiguous, result.is_none) == ("clear", True, False, False)
    assert [c.question_id for c in result.choices] == ["q0"]


def test_a_close_runner_up_makes_it_ambiguous():
    """A runner-up less than CLEAR_MARGIN behind makes the match ambiguous, offering the closest 2-3."""
    result = result_with(90, 90 - CLEAR_MARGIN + 1, 80, 79)
    assert result.status == "ambiguous"
    assert [c.question_id for c in result.choices] == ["q0", "q1", "q2"][:MAX_CHOICES]


def test_a_middling_best_is_ambiguous_even_alone():
    """A best score between NO_MATCH_BELOW and CLEAR_AT is offered with its runner-up, not asked."""
    result = result_with(CLEAR_AT - 1, 10)
    assert result.status == "ambiguous"
    assert [c.question_id for c in result.choices] == ["q0", "q1"]


def test_below_the_threshold_nothing_fits():
    """A best score below NO_MATCH_BELOW, or no candidate at all, is 'no good match' with nothing offered."""
    for result in (result_with(NO_MATCH_BELOW - 0.1, 5), result_with()):
        assert (result.status, result.choices, result.is_none) == ("none", (), True)


def test_real_examples_of_each_status():
    """Real bank: a lay word is clear, a word fitting two questions is ambiguous, an off-bank question is none."""
    clear = match(BANK, "did you feel a pop?")
    assert (clear.status, clear.best.question_id) == ("clear", "q_snap")
    ambiguous = match(BANK, "burning?")
    assert ambiguous.status == "ambiguous"
    assert {"q_both_feet", "q_pain_character"} <= {c.question_id for c in ambiguous.choices}
    assert match(BANK, "do you have any pets?").status == "none"


def test_candidates_say_which_bank_text_matched():
    """matched_on names the kind of bank text and matched_text is that text of the candidate's question."""
    for candidate in match(BANK, "any swelling in the calf?", limit=5).candidates:
        q = BANK.questions[candidate.question_id]
        texts = {
            "text": (q.text.en,),
            "phrasing": q.words_for("phrasings"),
            "keyword": q.words_for("keywords"),
        }
        assert candidate.matched_text in texts[candidate.matched_on]


def test_limit_and_among_restrict_the_candidates():
    """limit caps the candidates; among keeps only the given question ids."""
    assert len(match(BANK, "pain at night", limit=2).candidates) == 2
    among = {"q_night_cramps", "q_restless"}
    result = match(BANK, "pain at night", limit=10, among=among)
    assert result.candidates and {c.question_id for c in result.candidates} <= among


def test_resolve_gives_an_id_only_for_a_clear_match():
    """resolve returns the question id when the match is clear, None when ambiguous or none."""
    assert resolve(BANK, "did you feel a pop?") == "q_snap"
    assert resolve(BANK, "burning?") is None
    assert resolve(BANK, "do you have any pets?") is None


def test_as_dict_is_json_ready_and_complete():
    """as_dict round-trips through JSON with the status, the words scored, the candidates and the choices."""
    result = match(BANK, "burning?")
    data = json.loads(json.dumps(result.as_dict()))
    assert data["status"] == result.status
    assert data["choices"] == [c.question_id for c in result.choices]
    assert [c["question_id"] for c in data["candidates"]] == [c.question_id for c in result.candidates]


def test_the_index_is_built_once_per_bank_object_and_language():
    """matcher_for caches per bank object: the same object reuses it, another bank object gets its own."""
    assert matcher_for(BANK) is matcher_for(BANK)
    other = casebook.load().bank
    assert matcher_for(other) is not matcher_for(BANK)


@settings(max_examples=200, deadline=None)
@given(
    text=st.text(max_size=80)
    | st.lists(st.sampled_from(["snap", "calf", "can't", "pins", "and", "needles", "’s", "ø", "?"])).map(" ".join),
    limit=st.integers(1, 6),
)
def test_any_text_gives_a_well_formed_result(text, limit):
    """Whatever is typed, the result is well formed: best first, scores 0-100, choices among the candidates."""
    result = match(BANK, text, limit=limit)
    scores = [c.score for c in result.candidates]
    assert scores == sorted(scores, reverse=True)
    assert all(0 <= s <= 100 for s in scores) and len(scores) <= limit
    assert set(result.choices) <= set(result.candidates)
    assert [result.is_clear, result.is_ambiguous, result.is_none].count(True) == 1


def test_an_empty_or_stop_word_only_question_matches_nothing():
    """Nothing to score ('', 'do you?') gives no candidates, not an error."""
    for text in ("", "   ", "do you?"):
        assert match(BANK, text).candidates == ()


# ---------------------------------------------------------------- other languages are data only

NB_TABLE = {
    "stemming": {"min_stem": 3, "suffixes": [["ene", ""], ["en", ""], ["er", ""], ["et", ""]]},
    "lay_words": {"maur": "prikking", "følelsesløs": "nummen", "hovent": "hevelse"},
    "stopwords": ["har", "du", "i", "er", "det", "noen", "en", "et", "på"],
}


def nb_bank():
    """The real bank with Norwegian (made-up) texts and phrasings on three questions."""
    nb = {
        "q_tingling_calf": ("Kjenner du prikking eller nummenhet i leggen?", ["Prikker det i leggen?"]),
        "q_swelling": ("Er leggen hoven?", ["Har leggen fått hevelse?"]),
        "q_snap": ("Kjente du et smell bak i leggen?", ["Hørte du et smell?"]),
    }
    questions = dict(BANK.questions)
    for qid, (text, phrasings) in nb.items():
        q = questions[qid]
        questions[qid] = dataclasses.replace(
            q,
            text=Text(q.text.en, (("nb", text),)),
            phrasings=MappingProxyType({**q.phrasings, "nb": tuple(phrasings)}),
        )
    return dataclasses.replace(BANK, questions=MappingProxyType(questions))


def test_words_keep_norwegian_and_danish_letters_whole():
    """Word boundaries are Unicode-aware: æ, ø and å never split a word."""
    table = LanguageTable.from_dict("nb", NB_TABLE)
    assert table.words("Blåmerke på LÅRET, søvnløs og ærlig") == ["blåmerke", "på", "låret", "søvnløs", "og", "ærlig"]


def test_a_norwegian_table_and_bank_texts_are_enough_to_match_in_norwegian():
    """With a made-up nb table and nb bank texts, Norwegian lay words find the right questions."""
    table = LanguageTable.from_dict("nb", NB_TABLE)
    nb = Matcher(nb_bank(), "nb", table=table)
    assert normalise("Maur i leggen?", table=table) == normalise("prikking i leggen", table=table)
    assert nb.match("Har du maur i leggen?").best.question_id == "q_tingling_calf"
    assert nb.match("Er foten hovent?").best.question_id == "q_swelling"
    assert nb.match("smell?").best.question_id == "q_snap"


def test_a_lay_words_file_with_a_new_language_loads(tmp_path):
    """A lay-words file gains a language by a new object; '$' keys are comments."""
    path = tmp_path / "lay_words.json"
    path.write_text(json.dumps({"$comment": "x", "en": {}, "nb": NB_TABLE}, ensure_ascii=False), encoding="utf-8")
    tables = read_language_tables(path)
    assert sorted(tables) == ["en", "nb"]
    assert [stem for _, stem in tables["nb"].tokens("følelsesløs")] == [tables["nb"].stem("nummen")]


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"lay_word": {}}, "lay_words.json: $.nb.lay_word: unknown key"),
        ({"lay_words": {"x": 3}}, "lay_words.json: $.nb.lay_words['x']: must map a non-empty word to text"),
        ({"stemming": {"suffixes": [["en"]]}}, "lay_words.json: $.nb.stemming.suffixes: must be a list of"),
        ({"stopwords": "og"}, "lay_words.json: $.nb.stopwords: must be a list of words"),
    ],
)
def test_a_malformed_table_is_reported_with_file_path_and_fix(table, message):
    """A broken language table raises a ValueError naming the file, the JSON path and what is wrong."""
    with pytest.raises(ValueError) as e:
        LanguageTable.from_dict("nb", table)
    assert str(e.value).startswith(message)


def test_the_bundled_tables_have_english_and_refuse_unknown_languages():
    """English ships; asking for a language without a table says which file to extend."""
    assert "en" in matcher.languages()
    with pytest.raises(ValueError, match="add a 'xx' object to casebook/data/lay_words.json"):
        match(BANK, "snap?", lang="xx")


# ---------------------------------------------------------------- Norwegian and Danish: the bundled tables


def test_the_bundled_tables_include_norwegian_and_danish():
    """nb and da ship beside en, so the recall mode and `casebook match --lang nb|da` work on the bundled bank."""
    assert {"en", "nb", "da"} <= set(matcher.languages())


def test_the_bundled_lay_words_file_repeats_no_key():
    """No language, lay word or other key appears twice in one object of lay_words.json (JSON keeps only the last)."""
    repeated: list[str] = []

    def collect(pairs: list[tuple[str, object]]) -> dict:
        keys = [k for k, _ in pairs]
        repeated.extend(k for k in set(keys) if keys.count(k) > 1)
        return dict(pairs)

    json.loads(matcher.LAY_WORDS_FILE.read_text(encoding="utf-8"), object_pairs_hook=collect)
    assert repeated == []


@pytest.mark.parametrize(
    ("lang", "one", "other"),
    [
        ("nb", "leggen", "legg"),
        ("nb", "beina", "beinet"),
        ("nb", "ben", "bein"),
        ("nb", "smertene", "smerte"),
        ("nb", "natta", "natten"),
        ("nb", "føttene", "fot"),
        ("nb", "nummenhet", "nummen"),
        ("da", "læggen", "læg"),
        ("da", "benene", "benet"),
        ("da", "smerterne", "smerte"),
        ("da", "natten", "nat"),
        ("da", "fødderne", "fod"),
        ("da", "tæerne", "tå"),
        ("da", "følelsesløshed", "følelsesløs"),
    ],
)
def test_norwegian_and_danish_inflections_share_a_stem(lang, one, other):
    """Definite, plural and -het/-hed forms normalise like the base word (leggen/legg, læggen/læg, natta/natten)."""
    assert normalise(one, lang) == normalise(other, lang)
    assert normalise(one, lang) != ()


@pytest.mark.parametrize(
    ("lang", "lay", "bank_word"),
    [
        ("nb", "maurkryp", "prikking"),
        ("nb", "prikker", "prikking"),
        ("nb", "blodproppen", "blodpropp"),
        ("nb", "p-piller", "p-pille"),
        ("nb", "tisse", "urin"),
        ("nb", "tissen", "urin"),
        ("nb", "vont", "vondt"),
        ("nb", "hovent", "hevelse"),
        ("nb", "sukkersyke", "diabetes"),
        ("nb", "leggkramper", "krampe i leggen"),
        ("nb", "sliten", "trett"),
        ("da", "sovende fornemmelse", "prikken"),
        ("da", "myrekryb", "prikken"),
        ("da", "blodproppen", "blodprop"),
        ("da", "p-piller", "p-pille"),
        ("da", "tisse", "urin"),
        ("da", "ont", "ondt"),
        ("da", "hævet", "hævelse"),
        ("da", "sukkersyge", "diabetes"),
        ("da", "lægkramper", "krampe i læggen"),
        ("da", "genstande", "alkohol"),
    ],
)
def test_norwegian_and_danish_lay_words_map_to_the_bank_vocabulary(lang, lay, bank_word):
    """A student's lay word, compound or typo in nb/da normalises like the bank's word for it."""
    assert normalise(lay, lang) == normalise(bank_word, lang)
    assert normalise(lay, lang) != ()


@pytest.mark.parametrize(
    ("lang", "one", "other"),
    [
        ("da", "ryger", "ryggen"),
        ("da", "cigaretter", "ryggen"),
        ("da", "værre", "være"),
        ("nb", "ett", "etter"),
        ("nb", "hvor lenge", "hvor"),
        ("da", "hvor længe", "hvor"),
        ("nb", "slag", "hjerneslag"),
        ("nb", "veier", "vei"),
    ],
)
def test_norwegian_and_danish_words_that_stem_alike_stay_apart(lang, one, other):
    """Smoking is not the back, 'worse' not 'be', 'one' not 'after', 'how long' not 'where', a blow not a stroke."""
    assert normalise(one, lang) != normalise(other, lang)
    assert normalise(one, lang) != ()


@pytest.mark.parametrize(("lang", "typed"), [("nb", "noe maurkryp i leggen?"), ("da", "sovende fornemmelse i læggen?")])
def test_cli_match_in_norwegian_and_danish_prints_the_question_in_that_language(lang, typed, capsys):
    """`casebook match --lang nb|da` finds the calf-tingling question from a lay word and shows its nb/da text."""
    assert main(["match", typed, "--lang", lang]) == 0
    first_row = capsys.readouterr().out.splitlines()[3]
    assert first_row.startswith("q_tingling_calf ")
    assert BANK.questions["q_tingling_calf"].text.get(lang) in first_row


# ---------------------------------------------------------------- the command line


def test_cli_match_prints_the_best_question_first_and_exits_0(capsys):
    """`casebook match` lists the matched questions best first with id, score and the bank text; exit 0."""
    assert main(["match", "did you feel a pop?"]) == 0
    out = capsys.readouterr().out
    first_row = out.splitlines()[3]
    assert first_row.startswith("q_snap ")
    assert BANK.questions["q_snap"].text.en in first_row
    assert "clear match" in out.splitlines()[0]


def test_cli_match_json_has_the_result_and_the_question_texts(capsys):
    """--format json prints the MatchResult as a dict, each candidate with its question's text."""
    assert main(["match", "burning?", "--format", "json", "--limit", "2"]) == 0
    data = json.loads(capsys.readouterr().out)
    expected = match(BANK, "burning?", limit=2)
    assert data["status"] == "ambiguous"
    assert [c["question_id"] for c in data["candidates"]] == [c.question_id for c in expected.candidates]
    assert [c["text"] for c in data["candidates"]] == [
        BANK.questions[c.question_id].text.en for c in expected.candidates
    ]


def test_cli_match_without_a_good_match_says_so_and_exits_1(capsys):
    """Below the threshold the command says 'no good match' and exits 1."""
    assert main(["match", "what did you have for breakfast?"]) == 1
    assert "no good match" in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv", [["match", "  "], ["match", "snap", "--lang", "xx"], ["match", "snap", "--limit", "0"]]
)
def test_cli_match_bad_usage_exits_2(argv, capsys):
    """An empty question, a language without a table or a limit below 1 is bad usage (exit 2, message on stderr)."""
    assert main(argv) == 2
    assert capsys.readouterr().err.startswith("casebook match: ")


def test_importing_the_matcher_loads_no_widget_library():
    """`import casebook.matcher` in a fresh interpreter loads neither ipywidgets nor IPython."""
    code = (
        "import sys, casebook.matcher\n"
        "print(sorted(k for k in sys.modules if k.split('.')[0] in ('ipywidgets', 'IPython')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
