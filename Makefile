# The two commands of README.md, and the stack's own verbs. All the work is in bin/stack.
.PHONY: demo test up down status install

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
