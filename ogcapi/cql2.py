"""CQL2 text (OGC 21-065, the filter language of OGC API - Features Part 3): the part this API
understands, read strictly into a small tree. Nothing here knows the database or the collections;
`ogcapi.filters` checks a tree against a collection's queryable properties and turns it into a query.

    expression = term { OR term }
    term       = factor { AND factor }
    factor     = NOT factor | "(" expression ")" | predicate | TRUE | FALSE
    predicate  = operand ("=" | "<>" | "<" | "<=" | ">" | ">=") operand
               | operand [NOT] (LIKE | ILIKE) operand
               | operand [NOT] BETWEEN operand AND operand
               | operand [NOT] IN "(" operand { "," operand } ")"
               | operand IS [NOT] NULL
               | (T_AFTER | T_BEFORE | T_DISJOINT | T_DURING | T_EQUALS | T_INTERSECTS) "(" operand "," operand ")"
    operand    = property | 'text' | number | TRUE | FALSE
               | TIMESTAMP('2026-12-01T08:00:00Z') | DATE('2026-12-01') | INTERVAL('2026-12-01', '..')
    property   = name | "name"

Keywords are read in any case. ILIKE is not CQL2 (which writes CASEI(a) LIKE CASEI(b)); it is what
GDAL writes for a case-insensitive LIKE, and means that.
"""

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from common.errors import ApplicationError

# Longer than any filter a GIS tool writes, and than the URL a server takes (gunicorn: 4094 bytes).
MAX_LENGTH = 4000
# Nested brackets and NOTs: far beyond a real filter, and far below Python's recursion limit.
MAX_DEPTH = 40

COMPARISONS = ("=", "<>", "<", "<=", ">", ">=")
TEMPORAL_FUNCTIONS = ("T_AFTER", "T_BEFORE", "T_DISJOINT", "T_DURING", "T_EQUALS", "T_INTERSECTS")
KEYWORDS = {
    "AND", "OR", "NOT", "LIKE", "ILIKE", "BETWEEN", "IN", "IS", "NULL", "TRUE", "FALSE",
    "TIMESTAMP", "DATE", "INTERVAL", *TEMPORAL_FUNCTIONS,
}  # fmt: skip

TOKEN = re.compile(
    r"""
    (?P<space>\s+)
    | (?P<text>'(?:[^']|'')*')
    | (?P<quoted>"(?:[^"]|"")+")
    | (?P<number>(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)
    | (?P<word>[A-Za-z_][A-Za-z0-9_.:]*)
    | (?P<symbol><>|<=|>=|[=<>(),+-])
    """,
    re.VERBOSE,
)
# RFC 3339: a full-date, or a date-time with its offset (CQL2 itself writes only Z). Read by instant().
RFC3339 = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})"
    r"(?:[Tt ](?P<time>\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?)(?P<offset>[Zz]|[+-]\d{2}:\d{2}))?$"
)


class InvalidFilter(ApplicationError):
    """A filter the client must fix; `str(exc)` says what and where."""


# --- the tree -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Property:
    name: str


@dataclass(frozen=True)
class Literal:
    """A value as written: `value` is a str, a Decimal, a bool, a datetime (aware), a date, or for an
    interval a (start, end) pair of those (None for an open end). `text` is how it was written."""

    kind: str  # "text", "number", "boolean", "timestamp", "date" or "interval"
    value: object
    text: str


Operand = Property | Literal


@dataclass(frozen=True)
class Comparison:
    operator: str  # one of COMPARISONS
    left: Operand
    right: Operand


@dataclass(frozen=True)
class Like:
    subject: Operand
    pattern: Operand
    case_insensitive: bool = False


@dataclass(frozen=True)
class Between:
    subject: Operand
    low: Operand
    high: Operand


@dataclass(frozen=True)
class In:
    subject: Operand
    values: tuple[Operand, ...]


@dataclass(frozen=True)
class IsNull:
    subject: Operand


@dataclass(frozen=True)
class Temporal:
    function: str  # one of TEMPORAL_FUNCTIONS
    left: Operand
    right: Operand


@dataclass(frozen=True)
class Not:
    operand: "Node"


@dataclass(frozen=True)
class And:
    operands: tuple["Node", ...]


@dataclass(frozen=True)
class Or:
    operands: tuple["Node", ...]


@dataclass(frozen=True)
class Constant:
    value: bool


Node = Comparison | Like | Between | In | IsNull | Temporal | Not | And | Or | Constant


# --- reading ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Token:
    kind: str  # "text", "quoted", "number", "word", "symbol" or "end"
    text: str
    position: int  # 1-based, for messages

    @property
    def keyword(self) -> str | None:
        upper = self.text.upper()
        return upper if self.kind == "word" and upper in KEYWORDS else None


def parse(text: str) -> Node:
    """The tree of a CQL2 text filter; InvalidFilter naming the first fault otherwise."""
    if len(text) > MAX_LENGTH:
        raise InvalidFilter(_("filter is longer than %(max)d characters.") % {"max": MAX_LENGTH})
    if not text.strip():
        raise InvalidFilter(_("filter is empty."))
    return _Parser(_tokens(text)).read()


def _tokens(text: str) -> list[Token]:
    tokens, position = [], 0
    while position < len(text):
        match = TOKEN.match(text, position)
        if match is None:
            raise InvalidFilter(
                _("filter: %(character)s at character %(position)d is not CQL2.")
                % {"character": repr(text[position]), "position": position + 1}
            )
        if match.lastgroup != "space":
            tokens.append(Token(match.lastgroup, match.group(), position + 1))
        position = match.end()
    tokens.append(Token("end", "", len(text) + 1))
    return tokens


class _Parser:
    """Recursive descent over the tokens, one method per rule of the grammar above."""

    def __init__(self, tokens: list[Token]):
        self.tokens = tokens
        self.index = 0
        self.depth = 0

    @property
    def current(self) -> Token:
        return self.tokens[self.index]

    def advance(self) -> Token:
        token = self.current
        self.index += 1
        return token

    def accept(self, *keywords: str) -> Token | None:
        """The current token if it is one of these keywords or symbols (taken), else None."""
        token = self.current
        if token.keyword in keywords or (token.kind == "symbol" and token.text in keywords):
            return self.advance()
        return None

    def expect(self, keyword: str) -> Token:
        token = self.accept(keyword)
        if token is None:
            raise self.unexpected(f'"{keyword}"')
        return token

    def unexpected(self, expected: str) -> InvalidFilter:
        token = self.current
        if token.kind == "end":
            return InvalidFilter(_("filter ends too early: %(expected)s is missing.") % {"expected": expected})
        return InvalidFilter(
            _("filter: %(expected)s was expected at character %(position)d, not %(found)s.")
            % {"expected": expected, "position": token.position, "found": f'"{token.text}"'}
        )

    def read(self) -> Node:
        node = self.expression()
        if self.current.kind != "end":
            raise self.unexpected(_("AND, OR or the end of the filter"))
        return node

    def expression(self) -> Node:
        operands = [self.term()]
        while self.accept("OR"):
            operands.append(self.term())
        return operands[0] if len(operands) == 1 else Or(tuple(operands))

    def term(self) -> Node:
        operands = [self.factor()]
        while self.accept("AND"):
            operands.append(self.factor())
        return operands[0] if len(operands) == 1 else And(tuple(operands))

    def factor(self) -> Node:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise InvalidFilter(_("filter nests more than %(max)d levels deep.") % {"max": MAX_DEPTH})
        try:
            if self.accept("NOT"):
                return Not(self.factor())
            if self.accept("("):
                node = self.expression()
                self.expect(")")
                return node
            if self.current.keyword in TEMPORAL_FUNCTIONS:
                return self.temporal()
            return self.predicate()
        finally:
            self.depth -= 1

    def temporal(self) -> Temporal:
        function = self.advance().keyword
        self.expect("(")
        left = self.operand()
        self.expect(",")
        right = self.operand()
        self.expect(")")
        return Temporal(function, left, right)

    def predicate(self) -> Node:
        subject = self.operand()
        if (operator := self.accept(*COMPARISONS)) is not None:
            return Comparison(operator.text, subject, self.operand())
        if self.accept("IS"):
            negated = self.accept("NOT") is not None
            self.expect("NULL")
            return _negated(IsNull(subject), negated)
        negated = self.accept("NOT") is not None
        if (like := self.accept("LIKE", "ILIKE")) is not None:
            return _negated(Like(subject, self.operand(), case_insensitive=like.keyword == "ILIKE"), negated)
        if self.accept("BETWEEN"):
            low = self.operand()
            self.expect("AND")
            return _negated(Between(subject, low, self.operand()), negated)
        if self.accept("IN"):
            self.expect("(")
            values = [self.operand()]
            while self.accept(","):
                values.append(self.operand())
            self.expect(")")
            return _negated(In(subject, tuple(values)), negated)
        if negated:
            raise self.unexpected("LIKE, BETWEEN, IN")  # after NOT
        if subject in (TRUE, FALSE):
            return Constant(subject.value)  # TRUE or FALSE standing alone
        raise self.unexpected(_("a comparison (=, <>, <, <=, >, >=, LIKE, BETWEEN, IN, IS NULL)"))

    def operand(self) -> Operand:
        token = self.current
        if token.kind == "text":
            self.advance()
            return Literal("text", token.text[1:-1].replace("''", "'"), token.text)
        if token.kind == "quoted":
            self.advance()
            return Property(token.text[1:-1].replace('""', '"'))
        if token.kind == "number" or (token.kind == "symbol" and token.text in "+-"):
            return self.number()
        keyword = token.keyword
        if keyword in ("TRUE", "FALSE"):
            self.advance()
            return TRUE if keyword == "TRUE" else FALSE
        if keyword in ("TIMESTAMP", "DATE"):
            return self.instant_literal()
        if keyword == "INTERVAL":
            return self.interval_literal()
        if token.kind == "word" and keyword is None:
            self.advance()
            return Property(token.text)
        raise self.unexpected(_("a property name or a value"))

    def number(self) -> Literal:
        start = self.current
        sign = self.advance().text if start.kind == "symbol" else ""
        if self.current.kind != "number":
            raise self.unexpected(_("a number"))
        digits = self.advance().text
        value = Decimal(sign + digits)  # the token pattern admits only what Decimal reads
        if not value.is_finite() or abs(value.adjusted()) > 100:
            raise InvalidFilter(
                _("filter: the number at character %(position)d is out of range.") % {"position": start.position}
            )
        return Literal("number", value, sign + digits)

    def quoted_argument(self, keyword: str) -> Token:
        token = self.current
        if token.kind != "text":
            raise self.unexpected(_("a quoted value for %(keyword)s") % {"keyword": keyword})
        return self.advance()

    def instant_literal(self) -> Literal:
        keyword = self.advance().keyword
        self.expect("(")
        token = self.quoted_argument(keyword)
        self.expect(")")
        value = instant(token.text[1:-1])
        # DATE takes a date, TIMESTAMP a date-time (a datetime is also a date, hence the two tests)
        if value is None or isinstance(value, dt.datetime) != (keyword == "TIMESTAMP"):
            raise InvalidFilter(_timestamp_message(keyword, token))
        return Literal(keyword.lower(), value, f"{keyword}({token.text})")

    def interval_literal(self) -> Literal:
        self.advance()
        self.expect("(")
        ends = []
        for index in range(2):
            if index:
                self.expect(",")
            token = self.quoted_argument("INTERVAL")
            text = token.text[1:-1]
            value = None if text == ".." else instant(text)
            if value is None and text != "..":
                raise InvalidFilter(_timestamp_message("INTERVAL", token))
            ends.append((value, token.text))
        self.expect(")")
        (start, start_text), (end, end_text) = ends
        return Literal("interval", (start, end), f"INTERVAL({start_text}, {end_text})")


TRUE = Literal("boolean", True, "TRUE")
FALSE = Literal("boolean", False, "FALSE")


def _negated(node: Node, negated: bool) -> Node:
    return Not(node) if negated else node


def _timestamp_message(keyword: str, token: Token) -> str:
    return _(
        "filter: %(value)s at character %(position)d is not a date (2026-12-01) or a time with its time "
        "zone (2026-12-01T08:00:00Z) as %(keyword)s takes."
    ) % {"value": token.text, "position": token.position, "keyword": keyword}


def instant(text: str) -> dt.date | dt.datetime | None:
    """An RFC 3339 full-date (a date), or date-time with its offset (an aware datetime in UTC); None
    when the text is neither or names a moment that does not exist."""
    match = RFC3339.match(text)
    if match is None:
        return None
    try:
        if match["time"] is None:
            return dt.date.fromisoformat(match["date"])
        offset = match["offset"].upper()
        seconds, fraction = match["time"][:8], match["time"][8:15]  # Python keeps microseconds
        moment = dt.datetime.fromisoformat(f"{match['date']}T{seconds}{fraction}{offset}")
        return moment.astimezone(dt.UTC)  # PostgreSQL takes offsets of at most ±16 h, Python ±24 h
    except (ValueError, OverflowError):
        return None
