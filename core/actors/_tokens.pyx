# cython: language_level=3, boundscheck=False, wraparound=False
"""The actor rules' tokenisers, compiled: the same tokens as the Python versions (``roles.tokenize``,
``verbcue.sentence_tokens``), which stay as the fallback where this module is not built. tests/test_actor_tokens.py compares
them on news text and on Unicode edge cases.

The regular expressions are walked by hand over the sentence's code points: ``\\w`` is ``Py_UNICODE_ISALNUM`` or
``_`` and ``\\s`` is ``Py_UNICODE_ISSPACE``, exactly as ``re`` tests them, and both patterns match greedily with no
backtracking, so the first-match scan below is the regex's.
"""
from cpython.list cimport PyList_New, PyList_SET_ITEM
from cpython.mem cimport PyMem_Free, PyMem_Malloc
from cpython.ref cimport Py_INCREF
from cpython.unicode cimport PyUnicode_Substring


cdef inline bint _word(Py_UCS4 ch):
    if ch < 128:  # the common case without a Unicode database lookup
        return (u'a' <= ch <= u'z') or (u'A' <= ch <= u'Z') or (u'0' <= ch <= u'9') or ch == u'_'
    return ch.isalnum()


cdef inline bint _space(Py_UCS4 ch):
    if ch < 128:
        return ch == u' ' or (u'\t' <= ch <= u'\r') or (u'\x1c' <= ch <= u'\x1f')
    return ch.isspace()


cdef Py_ssize_t _bounds(str text, bint role_pattern, Py_ssize_t* out) except -1:
    """Writes (start, end) of each match of ``\\w+(?:\\.\\w+)*\\.?|[^\\w\\s]`` (``role_pattern``) or of
    ``\\w+(?:[.'\u2019]\\w+)*|[^\\w\\s]`` into ``out`` (room for two per character) and returns their number."""
    cdef Py_ssize_t n = len(text), i = 0, j, count = 0
    cdef Py_UCS4 ch, sep
    while i < n:
        ch = text[i]
        if _space(ch):
            i += 1
            continue
        j = i + 1
        if _word(ch):
            while j < n and _word(text[j]):
                j += 1
            while j + 1 < n and _word(text[j + 1]):
                sep = text[j]
                if not (sep == u'.' or (not role_pattern and (sep == u"'" or sep == u'\u2019'))):
                    break
                j += 2
                while j < n and _word(text[j]):
                    j += 1
            if role_pattern and j < n and text[j] == u'.':
                j += 1
        out[2 * count] = i
        out[2 * count + 1] = j
        count += 1
        i = j
    return count


cdef inline str _upper(str sentence, str upper, bint aligned, Py_ssize_t s, Py_ssize_t e):
    """The token at [s, e) upper-cased: a slice of ``upper`` when it lines up with the sentence."""
    return PyUnicode_Substring(upper, s, e) if aligned else sentence[s:e].upper()


cdef Py_ssize_t* _room(str text) except NULL:
    cdef Py_ssize_t* out = <Py_ssize_t*>PyMem_Malloc((2 * len(text) + 2) * sizeof(Py_ssize_t))
    if out == NULL:
        raise MemoryError()
    return out


def role_tokens(str sentence, spans, make):
    """``roles.tokenize(sentence, spans)``; ``make`` builds one token from its field tuple
    (``partial(tuple.__new__, Token)``)."""
    cdef Py_ssize_t* flat = _room(sentence)
    try:
        return _role_tokens(sentence, spans, make, flat, _bounds(sentence, True, flat))
    finally:
        PyMem_Free(flat)


cdef list _role_tokens(str sentence, spans, make, Py_ssize_t* flat, Py_ssize_t count):
    cdef Py_ssize_t k, s, e, longs = 0, caps = 0
    cdef str upper = sentence.upper()
    cdef bint aligned = len(upper) == len(sentence)
    cdef list words = PyList_New(count)
    cdef list capitals = PyList_New(count)
    cdef list mentions = [None] * count
    cdef str word
    cdef object capital
    for k in range(count):
        s = flat[2 * k]
        e = flat[2 * k + 1]
        word = _upper(sentence, upper, aligned, s, e)
        if word[len(word) - 1] == u'.':
            word = word.rstrip(u'.') or u'.'
        capital = True if (<Py_UCS4>sentence[s]).isupper() else False
        Py_INCREF(word)
        PyList_SET_ITEM(words, k, word)
        Py_INCREF(capital)
        PyList_SET_ITEM(capitals, k, capital)
        if len(word) > 3 and (<Py_UCS4>word[0]).isalpha():
            longs += 1
            caps += capital is True
    title = longs > 0 and <double>caps / <double>longs > 0.6
    cdef Py_ssize_t index = 0, lo, hi, mid, start, end
    for span in spans:
        start = span[0]
        end = span[1]
        lo, hi = 0, count  # the first token ending after the span starts (bisect_right on the ends)
        while lo < hi:
            mid = (lo + hi) // 2
            if start < flat[2 * mid + 1]:
                hi = mid
            else:
                lo = mid + 1
        while lo < count and flat[2 * lo] < end:
            mentions[lo] = index
            lo += 1
        index += 1
    cdef list tokens = PyList_New(count)
    for k in range(count):
        token = make((flat[2 * k], flat[2 * k + 1], words[k], capitals[k], title, mentions[k]))
        Py_INCREF(token)
        PyList_SET_ITEM(tokens, k, token)
    return tokens


def cue_tokens(str sentence):
    """``verbcue.sentence_tokens(sentence)``: (tokens, their end offsets, whether the sentence is in title case)."""
    cdef Py_ssize_t* flat = _room(sentence)
    try:
        return _cue_tokens(sentence, flat, _bounds(sentence, False, flat))
    finally:
        PyMem_Free(flat)


cdef tuple _cue_tokens(str sentence, Py_ssize_t* flat, Py_ssize_t count):
    cdef Py_ssize_t k, s, e, n, longs = 0, caps = 0
    cdef str upper = sentence.upper()
    cdef bint aligned = len(upper) == len(sentence)
    cdef str word
    cdef Py_UCS4 mark
    cdef list tokens = PyList_New(count)
    cdef list ends = PyList_New(count)
    cdef tuple token
    cdef object item
    for k in range(count):
        s = flat[2 * k]
        e = flat[2 * k + 1]
        word = _upper(sentence, upper, aligned, s, e)
        n = len(word)
        if n >= 2 and word[n - 1] == u'S':
            mark = word[n - 2]
            if mark == u"'" or mark == u'\u2019':
                word = PyUnicode_Substring(word, 0, n - 2)
                n -= 2
        if e - s > 3 and n > 0 and (<Py_UCS4>word[0]).isalpha():
            longs += 1
            caps += (<Py_UCS4>sentence[s]).isupper()
        token = (s, e, word)
        Py_INCREF(token)
        PyList_SET_ITEM(tokens, k, token)
        item = e
        Py_INCREF(item)
        PyList_SET_ITEM(ends, k, item)
    return tokens, ends, longs > 0 and <double>caps / <double>longs > 0.6
