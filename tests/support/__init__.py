"""Real parts the tests share: an SMTP server on loopback (``mail``), a MediaWiki from
Debian's packages (``mediawiki``, fixtures in ``wiki``) and a stand-in for the task worker
(``worker``). ``tests/conftest.py`` exposes their fixtures to every test folder."""
