# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False, cdivision=True
"""The fast path's per-document loops, compiled; each has a pure-Python/numpy version giving the same results.

``known_columns`` and ``char_wb_columns`` probe vocabularies for n-grams (Python version: ``fast_text.Vocabulary``),
and ``packed_row`` turns a document's column occurrences into its TF-IDF row and decision values (numpy version:
``FastModel._packed_row_numpy``). tests/test_fast_kernels.py compares each with its Python version.

``packed_row``: the numpy version makes about twenty small-array calls per document; their fixed cost, not the
arithmetic, made up most of the microseconds of a headline. This loop does the same float operations in
the same order, so its results are bit for bit those of the numpy path and of scikit-learn:

* ``tf_table[count] * idf`` in float32 (float * float in C rounds once, like numpy's float32 multiply);
* per member, float32 squares summed in double in column order (``np.bincount`` with weights), then ``sqrt``;
* ``float32(double(value) / norm)``;
* per output, ``coef * double(value)`` summed in column order from the first product, then ``+ intercept``.

It is compiled with ``-ffp-contract=off``, so no multiply-add is fused into one rounding.
"""
from cpython.dict cimport PyDict_GetItem
from cpython.long cimport PyLong_AsLong, PyLong_Check
from cpython.object cimport PyObject
from cpython.tuple cimport PyTuple_Check, PyTuple_GET_ITEM, PyTuple_GET_SIZE
from libc.math cimport sqrt

import numpy as np


cdef inline Py_ssize_t _append(PyObject* found, int[::1] out, Py_ssize_t n) except -1:
    """Write the column(s) of one vocabulary value (an int, or a tuple of ints for merged vocabularies)."""
    cdef Py_ssize_t k
    cdef object value = <object>found
    if PyLong_Check(value):
        out[n] = <int>PyLong_AsLong(value)
        return n + 1
    if not PyTuple_Check(value):  # e.g. a numpy integer from a hand-made vocabulary: the slower, general way
        out[n] = <int>int(value)
        return n + 1
    cdef object item
    for k in range(PyTuple_GET_SIZE(value)):
        item = <object>PyTuple_GET_ITEM(value, k)
        out[n] = <int>PyLong_AsLong(item) if PyLong_Check(item) else <int>int(item)
        n += 1
    return n


def known_columns(list items, dict vocabulary, Py_ssize_t per_item):
    """int32 columns of every item found in ``vocabulary`` (item -> column, or -> tuple of up to ``per_item``)."""
    out_array = np.empty(len(items) * per_item, dtype=np.int32)
    cdef int[::1] out = out_array
    cdef Py_ssize_t n = 0
    cdef PyObject* found
    for item in items:
        found = PyDict_GetItem(vocabulary, item)
        if found is not NULL:
            n = _append(found, out, n)
    return out_array[:n]


def char_wb_columns(str word, Py_ssize_t min_n, Py_ssize_t max_n, dict vocabulary, Py_ssize_t per_item):
    """int32 columns of the word's known padded character n-grams, as ``known_columns(char_wb_ngrams(word))``."""
    cdef str padded = " " + word + " "
    cdef Py_ssize_t length = len(padded), total = 0, n, i, count = 0
    for n in range(min_n, max_n + 1):  # the offsets of fast_text.char_wb_ngrams: a short word counts once
        total += max(length - n, 0) + 1
        if length <= n:
            break
    out_array = np.empty(total * per_item, dtype=np.int32)
    cdef int[::1] out = out_array
    cdef PyObject* found
    for n in range(min_n, max_n + 1):
        for i in range(max(length - n, 0) + 1):
            found = PyDict_GetItem(vocabulary, padded[i:i + n])
            if found is not NULL:
                count = _append(found, out, count)
        if length <= n:
            break
    return out_array[:count]


def packed_row(const int[::1] ordered, Py_ssize_t start, const double[:, ::1] packed, const float[::1] tf_table,
               Py_ssize_t n_members, const double[::1] intercept):
    """(columns - start, float32 values, decision values) for the sorted column occurrences ``ordered``.

    ``ordered`` holds one entry per n-gram occurrence (repeats adjacent); every run must be shorter than
    ``tf_table`` (checked: ``len(ordered) < len(tf_table)``). ``packed`` rows: idf, member, one coefficient per
    ``intercept``, then any padding.
    """
    cdef Py_ssize_t n = ordered.shape[0], n_out = intercept.shape[0]  # packed may have padding columns after them
    if n >= tf_table.shape[0]:
        raise ValueError("more occurrences than the tf table covers")
    indices_out = np.empty(n, dtype=np.int32)
    values_out = np.empty(n, dtype=np.float32)
    segment_out = np.empty(n, dtype=np.intp)
    norms_out = np.zeros(n_members, dtype=np.float64)
    scores_out = np.zeros(n_out, dtype=np.float64)
    cdef int[::1] indices = indices_out
    cdef float[::1] values = values_out
    cdef Py_ssize_t[::1] segment = segment_out
    cdef double[::1] norms = norms_out
    cdef double[::1] scores = scores_out
    cdef Py_ssize_t i = 0, j, u = 0, k, column, member
    cdef float value, square
    with nogil:
        while i < n:  # runs of equal columns: each distinct column once, with its count
            j = i + 1
            while j < n and ordered[j] == ordered[i]:
                j += 1
            column = ordered[i] - start
            value = tf_table[j - i] * <float>packed[column, 0]
            member = <Py_ssize_t>packed[column, 1]
            square = value * value
            norms[member] += <double>square
            indices[u] = <int>column
            values[u] = value
            segment[u] = member
            u += 1
            i = j
        for k in range(n_members):
            norms[k] = sqrt(norms[k])
        for i in range(u):
            value = <float>(<double>values[i] / norms[segment[i]])
            values[i] = value
            column = indices[i]
            if i == 0:
                for k in range(n_out):
                    scores[k] = packed[column, 2 + k] * <double>value
            else:
                for k in range(n_out):
                    scores[k] = scores[k] + packed[column, 2 + k] * <double>value
        for k in range(n_out):
            scores[k] = scores[k] + intercept[k]
    return indices_out[:u], values_out[:u], scores_out.tolist()
