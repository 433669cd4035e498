"""Vietnamese collation, name order and diacritics folding (no database)."""
from hypothesis import given
from hypothesis import strategies as st

from partyorg.domain.names import (
    collation_key,
    fold,
    name_order,
    name_sort_key,
    normalize_name,
    search_terms,
    searchable,
)


def sort_names(names):
    return sorted(names, key=name_sort_key)


def test_given_name_first_then_family_then_middle():
    names = ["Trần Văn Bình", "Nguyễn Thị An", "Lê Văn An", "Nguyễn Văn An"]
    assert sort_names(names) == ["Lê Văn An", "Nguyễn Thị An", "Nguyễn Văn An", "Trần Văn Bình"]


def test_vietnamese_letter_order_d_before_dj():
    assert sort_names(["Lê Đạt", "Lê Dũng", "Lê Duy"]) == ["Lê Dũng", "Lê Duy", "Lê Đạt"]


def test_modified_vowels_are_letters_of_their_own():
    # a < ă < â; o < ô < ơ; u < ư
    assert sort_names(["X Ân", "X Ăn", "X Anh", "X An"]) == ["X An", "X Anh", "X Ăn", "X Ân"]
    assert sort_names(["X Ơn", "X Ôn", "X On"]) == ["X On", "X Ôn", "X Ơn"]
    assert sort_names(["X Ưng", "X Ung"]) == ["X Ung", "X Ưng"]


def test_tones_break_ties_in_dictionary_order():
    # ngang < huyền < hỏi < ngã < sắc < nặng
    assert sort_names(["X Ạnh", "X Ánh", "X Ãnh", "X Ảnh", "X Ành", "X Anh"]) == [
        "X Anh", "X Ành", "X Ảnh", "X Ãnh", "X Ánh", "X Ạnh"]


def test_letters_before_tones_across_the_word():
    # "Án" and "Anh": the letters decide first (an < anh) although Án has a tone.
    assert sort_names(["X Anh", "X Án"]) == ["X Án", "X Anh"]


def test_prefix_word_sorts_first():
    assert sort_names(["Nguyễn Văn Anh", "Nguyễn Văn An"]) == ["Nguyễn Văn An", "Nguyễn Văn Anh"]


def test_composed_and_decomposed_input_sort_alike():
    import unicodedata

    a = "Nguyễn Văn Đức"
    assert name_sort_key(a) == name_sort_key(unicodedata.normalize("NFD", a))


def test_keys_use_only_safe_characters_for_any_database_collation():
    key = name_sort_key("Đặng Thị Ước")
    assert set(key) <= set("0123456789abcdefghijklmnopqrstuvwxyz")


def test_name_order_and_normalize():
    assert name_order("Nguyễn Văn An") == ["An", "Nguyễn", "Văn"]
    assert normalize_name("  nguyễn   văn  AN ") == "Nguyễn Văn An"


def test_fold_removes_diacritics_and_dj():
    assert fold("Nguyễn Văn Đức") == "nguyen van duc"
    assert fold("ĐẶNG THỊ ƯỚC") == "dang thi uoc"
    assert search_terms("  Nguyen   VAN Ánh ") == ["nguyen", "van", "ánh"]


def test_searchable_keeps_both_spellings():
    text = searchable("Nguyễn Văn Ánh", "001")
    assert "nguyễn văn ánh" in text and "nguyen van anh" in text and "001" in text
    assert all(t in text for t in search_terms("nguyen van anh"))
    assert all(t in text for t in search_terms("Nguyễn ÁNH"))
    assert "ảnh" not in text


def test_collation_key_for_organisation_names():
    names = ["Đảng bộ xã Đông", "Đảng bộ xã Ân", "Đảng bộ xã An", "Đảng bộ xã Bắc"]
    assert sorted(names, key=collation_key) == ["Đảng bộ xã An", "Đảng bộ xã Ân", "Đảng bộ xã Bắc",
                                                "Đảng bộ xã Đông"]


VIET = "aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
word = st.text(alphabet=VIET, min_size=1, max_size=7).map(lambda w: w.capitalize())
name = st.lists(word, min_size=2, max_size=4).map(" ".join)


@given(st.lists(name, min_size=1, max_size=20))
def test_sorting_is_a_total_order_independent_of_input_order(names):
    assert sort_names(names) == sort_names(list(reversed(names)))


@given(name)
def test_fold_is_idempotent_and_ascii(n):
    f = fold(n)
    assert fold(f) == f
    assert f.isascii()


@given(name, name)
def test_equal_keys_only_for_equal_names(a, b):
    if name_sort_key(a) == name_sort_key(b):
        assert normalize_name(a).lower() == normalize_name(b).lower()
