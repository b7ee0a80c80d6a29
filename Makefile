# The two commands of README.md, and the stack's own verbs. All the work is in bin/stack.
.PHONY: demo test up down status install i18n

demo:     ## bring the portal up with demo content on http://localhost:5000
	bin/stack demo

test:     ## run the whole test suite against the real services
	bin/stack test

up:
	bin/stack up

down:
	bin/stack down

status:
	bin/stack status

install:
	bin/stack install

i18n:     ## refresh the gettext template from the code and merge it into each catalogue
	.stack/venv/bin/pybabel extract -F babel.cfg -k translate --add-comments=TRANSLATORS: --no-location \
	  --sort-output --project=ckanext-pancanadian --copyright-holder="ckanext-pancanadian contributors" \
	  -o i18n/ckanext-pancanadian.pot ckanext
	.stack/venv/bin/pybabel update -i i18n/ckanext-pancanadian.pot -d i18n -D ckanext-pancanadian --no-fuzzy-matching
