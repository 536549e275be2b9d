from clinicdesk.core.templatetags.clinicdesk import prose


def test_prose_makes_paragraphs_and_lists_and_escapes():
    text = "Attendees are expected to:\n* Listen <b>patiently</b>.\n* Share.\n\nThanks & bye."
    assert prose(text) == (
        "<p>Attendees are expected to:</p>\n"
        "<ul><li>Listen &lt;b&gt;patiently&lt;/b&gt;.</li><li>Share.</li></ul>\n"
        "<p>Thanks &amp; bye.</p>"
    )


def test_prose_of_empty_text_is_empty():
    assert prose("") == ""
