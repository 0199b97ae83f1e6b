#!/usr/bin/python3
"""Generates iamd's wire layer (AWS Query and JSON 1.1) from the trimmed service models (models/*.json).

Usage: tools/gen_protocol.py OUT_DIR MODEL_DIR

Reads MODEL_DIR/iam.json, MODEL_DIR/sts.json, MODEL_DIR/organizations.json and
MODEL_DIR/empty_lists.txt (which empty lists responses carry: see that file). Writes into
OUT_DIR/protocol/:
  iam.h, sts.h, organizations.h  request/result structs, the IamService / StsService /
                                 OrganizationsService handler interfaces, dispatch() and
                                 operation_names()
  iam.cc, sts.cc, organizations.cc
                                 shape and member tables, Visit<T> specialisations, the default
                                 handlers ("not supported by iamd": InvalidAction in the Query
                                 services, answered as UnknownOperationException by the JSON
                                 envelope), the operation table
  iam_test_service.h, sts_test_service.h, organizations_test_service.h
                                 EmptyResult{Iam,Sts,Organizations}Service: answers every
                                 operation with a default-constructed result (tests and fuzzing
                                 only)
  model_tables.cc                compiled patterns, Unicode class ranges, error code -> status

A model's metadata.protocol says its wire: "query" (IAM, STS: form in, XML out, dispatch by
Action) or "json" (Organizations: JSON 1.1 in and out, dispatch by the operation of
X-Amz-Target). Only data and one short visit function per structure are generated; decoding,
validation and encoding are templates written once in src/protocol/codec.h (Query) and
src/protocol/json_codec.h (JSON), over the same tables.

Type mapping. string -> std::string, blob -> std::string (bytes; base64 on the wire),
integer/long -> std::int64_t, boolean -> bool, timestamp -> common::Timestamp,
structure -> struct, list -> std::vector, map -> std::vector<std::pair<K, V>>.
A member of a structure that some operation's input reaches is a plain value when the model
requires it (the decoder guarantees it is present) and std::optional otherwise. A member of a
structure only outputs reach is always std::optional (lists and maps excepted): AWS omits some
"required" output members (GetUser for the root user has no UserName), so handlers decide;
except ALWAYS_SENT_OUTPUT_MEMBERS (IsTruncated), plain values AWS always sends.

Empty lists in responses (models/empty_lists.txt). Each list or map member of a structure gets
one rule, emitted as MemberInfo::send_empty: by default an empty list is sent as <Name/> when
the model requires the member or when it is a member of an operation's result element, and
left out otherwise; the file overrides that per member (`send`, `omit`), or marks it `handler`:
then the member is std::optional<std::vector<...>> and a handler that sets it (even empty) has
it sent, for shapes that several operations return with different answers (Policy.Tags).

Pattern translation (Java regex, as AWS's validator runs it, to a code-point NFA):
  * the whole value must match; `^` and `$` are position assertions;
  * `\\w` = [A-Za-z0-9_] and `\\d` = [0-9] (Java's ASCII defaults), `\\s` = [ \\t\\n\\x0B\\f\\r];
  * `\\p{X}` / `\\P{X}` use the Unicode general categories of this Python's unicodedata
    (X = one-letter major class such as L, or a two-letter category such as Lu);
  * `\\uXXXX` is one code point; the STS model writes `\\u10000-\\u10FFFF`, which Java would
    read as `\\u1000` `0-\\u10FF` `FF`: five or six hex digits are taken as the code point the
    model's authors meant (the supplementary planes);
  * classes: ranges, escapes, negation; a `-` that cannot form a range is literal;
  * groups `(...)` and `(?:...)`, alternation, `* + ? {n} {n,} {n,m}` (lazy `?` suffixes match
    the same set under a full match); `(?!x)` only with a single character class `x`;
  * anything else (backreferences, possessive quantifiers, class intersection, other
    lookarounds) stops the build with an error naming the pattern.
Standard library only.
"""

import json
import os
import re
import sys
import unicodedata

SERVICES = (
    # file, C++ namespace, Service enum, handler class
    ("iam", "iam", "kIam", "IamService"),
    ("sts", "sts", "kSts", "StsService"),
    ("organizations", "organizations", "kOrganizations", "OrganizationsService"),
)

PROTOCOLS = ("query", "json")

# How each service's ValidationError messages read (ServiceModel in src/protocol/codec.h):
# (names the value, lists the values of an enum). [OBS] aws-recorded-errors.md: IAM writes
# "Value at 'status' failed to satisfy constraint: Member must satisfy enum value set"; STS
# "Value 'Session1:2' at 'roleSessionName' ...". [UNCERTAIN] STS's enum form (none recorded).
MESSAGE_STYLE = {"iam": (False, False), "sts": (True, True), "organizations": (False, False)}

# Lists whose members' constraints AWS ends with "Member must not be null" when it reports
# the whole list (ShapeInfo::members_not_null). [OBS] aws-recorded-errors.md: 'tagKeys'
# (tagKeyListType) has it; 'clientIDList' and 'thumbprintList' do not. [UNCERTAIN] every other
# list of scalars, left without it: the botocore model does not say.
MEMBERS_NOT_NULL_LISTS = {"iam": {"tagKeyListType"}, "sts": {"tagKeyListType"}}

# Members of output structures that are plain values (always written) rather than optional:
# every paginated answer carries <IsTruncated>false</IsTruncated> when it is complete [OBS:
# LocalStack's AWS snapshots, e.g. ListUsers, ListAccessKeys, ListOpenIDConnectProviderTags
# "IsTruncated": false], so a handler cannot leave it out.
ALWAYS_SENT_OUTPUT_MEMBERS = {"IsTruncated"}

# Output members of these shapes are percent-encoded in responses (api.md §3).
URL_ENCODED_SHAPES = {"policyDocumentType"}

# Shapes whose pattern AWS's service checks itself, with a message of its own instead of the
# generated "Member must satisfy regular expression pattern" (aws-recorded-errors.md,
# virtual_mfa_device_errors): the decoder checks only their lengths, and the check of the
# pattern lives with its message in api/pipeline.cc (check_paths).
SERVICE_CHECKED_PATTERNS = {"pathType"}

CPP_KEYWORDS = set("""alignas alignof and and_eq asm auto bitand bitor bool break case catch char char8_t char16_t
char32_t class compl concept const consteval constexpr constinit const_cast continue co_await co_return co_yield
decltype default delete do double dynamic_cast else enum explicit export extern false float for friend goto if
inline int long mutable namespace new noexcept not not_eq nullptr operator or or_eq private protected public
register reinterpret_cast requires return short signed sizeof static static_assert static_cast struct switch
template this thread_local throw true try typedef typeid typename union unsigned using virtual void volatile
wchar_t while xor xor_eq""".split())

RESERVED_TYPE_NAMES = {"Response", "Params", "Param", "Service", "IamService", "StsService", "OrganizationsService",
                       "Error", "Result", "JsonNode", "JsonHandlers", "JsonTarget"}


def fail(message):
    sys.stderr.write("gen_protocol.py: %s\n" % message)
    sys.exit(1)


def snake(name):
    s = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", name)
    s = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", s)
    s = s.lower()
    return s + "_" if s in CPP_KEYWORDS else s


def cpp_string(s):
    out = []
    for ch in s:
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif 0x20 <= ord(ch) < 0x7F:
            out.append(ch)
        else:
            out.append("".join("\\x%02X" % b for b in ch.encode("utf-8")))
            out.append('""')  # ends the hex escape
    return '"' + "".join(out) + '"'


# ---------------------------------------------------------------------------------------------
# Patterns

MAX_CP = 0x10FFFF


def normalize(ranges):
    out = []
    for lo, hi in sorted(ranges):
        if out and lo <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


def complement(ranges):
    out = []
    prev = 0
    for lo, hi in normalize(ranges):
        if lo > prev:
            out.append((prev, lo - 1))
        prev = hi + 1
    if prev <= MAX_CP:
        out.append((prev, MAX_CP))
    return out


class Unicode:
    """General-category range tables, computed once per run and only when a pattern needs one."""

    def __init__(self):
        self._by_category = None

    def category(self, name):
        if self._by_category is None:
            table = {}
            start = 0
            current = unicodedata.category(chr(0))
            for cp in range(1, MAX_CP + 2):
                cat = unicodedata.category(chr(cp)) if cp <= MAX_CP else None
                if cat != current:
                    table.setdefault(current, []).append((start, cp - 1))
                    start, current = cp, cat
            self._by_category = table
        if len(name) == 1:
            ranges = [r for cat, rs in self._by_category.items() if cat[0] == name for r in rs]
        else:
            ranges = list(self._by_category.get(name, []))
        if not ranges:
            return None
        return normalize(ranges)


ASCII_WORD = [(ord("0"), ord("9")), (ord("A"), ord("Z")), (ord("_"), ord("_")), (ord("a"), ord("z"))]
ASCII_DIGIT = [(ord("0"), ord("9"))]
ASCII_SPACE = [(9, 13), (32, 32)]
LINE_TERMINATORS = [(10, 10), (13, 13), (0x85, 0x85), (0x2028, 0x2029)]


class PatternParser:
    def __init__(self, text, unicode_tables):
        self.s = text
        self.i = 0
        self.u = unicode_tables

    def error(self, message):
        fail("pattern %r: %s at offset %d" % (self.s, message, self.i))

    def peek(self, k=0):
        j = self.i + k
        return self.s[j] if j < len(self.s) else None

    def parse(self):
        node = self.parse_alt()
        if self.i != len(self.s):
            self.error("unexpected ')'")
        return node

    def parse_alt(self):
        branches = [self.parse_seq()]
        while self.peek() == "|":
            self.i += 1
            branches.append(self.parse_seq())
        return branches[0] if len(branches) == 1 else ("alt", branches)

    def parse_seq(self):
        items = []
        while self.peek() is not None and self.peek() not in "|)":
            items.append(self.parse_quantifier(self.parse_atom()))
        return ("cat", items)

    def parse_atom(self):
        c = self.peek()
        if c == "(":
            if self.s.startswith("(?!", self.i):
                self.i += 3
                inner = self.parse_alt()
                self.expect(")")
                ranges = self.single_class(inner)
                if ranges is None:
                    self.error("only (?!x) with a single character class is supported")
                return ("notahead", ranges)
            if self.s.startswith("(?:", self.i):
                self.i += 3
            elif self.s.startswith("(?", self.i):
                self.error("unsupported group construct")
            else:
                self.i += 1
            inner = self.parse_alt()
            self.expect(")")
            return inner
        if c == "[":
            return ("set", self.parse_class())
        if c == "\\":
            ranges, _ = self.parse_escape(in_class=False)
            return ("set", ranges)
        if c == ".":
            self.i += 1
            return ("set", complement(LINE_TERMINATORS))
        if c == "^":
            self.i += 1
            return ("bol",)
        if c == "$":
            self.i += 1
            return ("eol",)
        if c in "*+?{":
            self.error("quantifier without operand")
        self.i += 1
        return ("set", [(ord(c), ord(c))])

    @staticmethod
    def single_class(node):
        while node[0] == "cat" and len(node[1]) == 1:
            node = node[1][0]
        return node[1] if node[0] == "set" else None

    def expect(self, ch):
        if self.peek() != ch:
            self.error("expected %r" % ch)
        self.i += 1

    def parse_quantifier(self, atom):
        while True:
            c = self.peek()
            if c == "*":
                lo, hi = 0, None
                self.i += 1
            elif c == "+":
                lo, hi = 1, None
                self.i += 1
            elif c == "?":
                lo, hi = 0, 1
                self.i += 1
            elif c == "{":
                m = re.compile(r"\{(\d+)(,(\d*))?\}").match(self.s, self.i)
                if not m:
                    self.error("malformed {n,m}")
                lo = int(m.group(1))
                hi = lo if m.group(2) is None else (int(m.group(3)) if m.group(3) else None)
                if hi is not None and hi < lo:
                    self.error("{n,m} with m < n")
                self.i = m.end()
            else:
                return atom
            if self.peek() == "?":
                self.i += 1  # lazy: same language under a full match
            elif self.peek() == "+":
                self.error("possessive quantifiers are not supported")
            atom = ("rep", atom, lo, hi)

    def parse_escape(self, in_class):
        """Returns (ranges, single code point or None)."""
        assert self.peek() == "\\"
        self.i += 1
        c = self.peek()
        if c is None:
            self.error("trailing backslash")
        self.i += 1
        simple = {"w": ASCII_WORD, "d": ASCII_DIGIT, "s": ASCII_SPACE}
        if c in simple:
            return simple[c], None
        if c.lower() in simple:
            return complement(simple[c.lower()]), None
        if c in "pP":
            if self.peek() == "{":
                end = self.s.find("}", self.i)
                if end < 0:
                    self.error("unterminated \\p{")
                name = self.s[self.i + 1:end]
                self.i = end + 1
            else:
                name = self.peek()
                self.i += 1
            if name.startswith("Is"):
                name = name[2:]
            ranges = self.u.category(name)
            if ranges is None:
                self.error("unknown Unicode category %r" % name)
            return (ranges if c == "p" else complement(ranges)), None
        if c == "u":
            m = re.compile(r"[0-9A-Fa-f]{4,6}").match(self.s, self.i)
            if not m:
                self.error("malformed \\u escape")
            digits = m.group(0)
            if len(digits) > 4 and int(digits, 16) > MAX_CP:
                digits = digits[:4]
            self.i += len(digits)
            cp = int(digits, 16)
            return [(cp, cp)], cp
        if c == "x":
            m = re.compile(r"[0-9A-Fa-f]{2}").match(self.s, self.i)
            if not m:
                self.error("malformed \\x escape")
            self.i += 2
            cp = int(m.group(0), 16)
            return [(cp, cp)], cp
        controls = {"t": 9, "n": 10, "r": 13, "f": 12, "a": 7, "e": 27}
        if c in controls:
            cp = controls[c]
            return [(cp, cp)], cp
        if c.isalnum():
            self.error("unsupported escape \\%s" % c)
        cp = ord(c)
        return [(cp, cp)], cp

    def parse_class(self):
        self.expect("[")
        negate = False
        if self.peek() == "^":
            negate = True
            self.i += 1
        ranges = []
        first = True
        while True:
            c = self.peek()
            if c is None:
                self.error("unterminated character class")
            if c == "]" and not first:
                self.i += 1
                break
            if c == "[" or self.s.startswith("&&", self.i):
                self.error("class unions and intersections are not supported")
            first = False
            if c == "\\":
                item, single = self.parse_escape(in_class=True)
            else:
                self.i += 1
                item, single = [(ord(c), ord(c))], ord(c)
            if single is not None and self.peek() == "-" and self.peek(1) not in (None, "]"):
                self.i += 1
                if self.peek() == "\\":
                    _, hi = self.parse_escape(in_class=True)
                    if hi is None:
                        self.error("range ends in a class escape")
                else:
                    hi = ord(self.peek())
                    self.i += 1
                if hi < single:
                    self.error("reversed range")
                ranges.append((single, hi))
            else:
                ranges.extend(item)
        ranges = normalize(ranges)
        return complement(ranges) if negate else ranges


OPS = {"class": "kClass", "split": "kSplit", "jump": "kJump", "notahead": "kNotAhead", "begin": "kBegin",
       "end": "kEnd", "match": "kMatch"}


class PatternTables:
    def __init__(self):
        self.unicode = Unicode()
        self.patterns = []  # (text, program)
        self.index = {}
        self.classes = []  # list of range lists
        self.class_index = {}

    def class_id(self, ranges):
        key = tuple(ranges)
        if key not in self.class_index:
            self.class_index[key] = len(self.classes)
            self.classes.append(ranges)
        return self.class_index[key]

    def add(self, text):
        if text in self.index:
            return self.index[text]
        ast = PatternParser(text, self.unicode).parse()
        prog = []

        def emit(op, a=0, b=0):
            prog.append([op, a, b])
            return len(prog) - 1

        def comp(node):
            kind = node[0]
            if kind == "set":
                if not node[1]:
                    fail("pattern %r has an empty character class" % text)
                emit("class", self.class_id(node[1]))
            elif kind == "cat":
                for item in node[1]:
                    comp(item)
            elif kind == "alt":
                jumps = []
                for k, branch in enumerate(node[1]):
                    if k < len(node[1]) - 1:
                        split = emit("split")
                        prog[split][1] = len(prog)
                        comp(branch)
                        jumps.append(emit("jump"))
                        prog[split][2] = len(prog)
                    else:
                        comp(branch)
                for j in jumps:
                    prog[j][1] = len(prog)
            elif kind == "rep":
                _, body, lo, hi = node
                for _ in range(lo):
                    comp(body)
                if hi is None:
                    split = emit("split")
                    prog[split][1] = len(prog)
                    comp(body)
                    emit("jump", split)
                    prog[split][2] = len(prog)
                else:
                    splits = []
                    for _ in range(hi - lo):
                        split = emit("split")
                        prog[split][1] = len(prog)
                        splits.append(split)
                        comp(body)
                    for split in splits:
                        prog[split][2] = len(prog)
            elif kind == "bol":
                emit("begin")
            elif kind == "eol":
                emit("end")
            elif kind == "notahead":
                emit("notahead", self.class_id(node[1]))
            else:
                fail("internal: node %r" % (kind,))

        comp(ast)
        emit("match")
        if len(prog) > 65535:
            fail("pattern %r compiles to %d instructions" % (text, len(prog)))
        self.index[text] = len(self.patterns)
        self.patterns.append((text, prog))
        return self.index[text]

    def emit_cc(self, out):
        out.append("const CodeRange kPatternRanges[] = {")
        offsets = []
        total = 0
        line = []
        for ranges in self.classes:
            offsets.append((total, len(ranges)))
            total += len(ranges)
            for lo, hi in ranges:
                line.append("{0x%X, 0x%X}" % (lo, hi))
                if len(line) == 6:
                    out.append("    " + ", ".join(line) + ",")
                    line = []
        if line:
            out.append("    " + ", ".join(line) + ",")
        out.append("};")
        out.append("const CharClass kPatternClasses[] = {")
        for first, count in offsets:
            out.append("    {%d, %d}," % (first, count))
        out.append("};")
        for k, (text, prog) in enumerate(self.patterns):
            insts = ", ".join("{PatternOp::%s, %d, %d}" % (OPS[op], a, b) for op, a, b in prog)
            out.append("constexpr PatternInst kProgram%d[] = {%s};" % (k, insts))
        out.append("const PatternInfo kPatterns[] = {")
        for k, (text, prog) in enumerate(self.patterns):
            out.append("    {%s, kProgram%d, %d}," % (cpp_string(text), k, len(prog)))
        out.append("};")
        out.append("const std::uint32_t kPatternCount = %d;" % len(self.patterns))


# ---------------------------------------------------------------------------------------------
# Service models


class ServiceGen:
    def __init__(self, file_name, namespace, enum_name, class_name, model, patterns, empty_list_rules):
        self.file = file_name
        self.ns = namespace
        self.enum = enum_name
        self.cls = class_name
        self.model = model
        self.shapes = model["shapes"]
        self.ops = model["operations"]
        self.patterns = patterns
        self.protocol = model["metadata"].get("protocol")
        if self.protocol not in PROTOCOLS:
            fail("%s: protocol %r is not one of %s" % (file_name, self.protocol, ", ".join(PROTOCOLS)))
        self.json = self.protocol == "json"
        self.check_supported()
        self.input_structs = self.reach([op["input"]["shape"] for op in self.ops.values() if "input" in op])
        self.output_structs = self.reach([op["output"]["shape"] for op in self.ops.values() if "output" in op])
        self.result_shapes = {op["output"]["shape"] for op in self.ops.values() if "output" in op}
        self.empty_list_rules = self.check_empty_list_rules(empty_list_rules)
        self.type_names = {}  # shape name -> C++ struct name
        self.op_types = {}  # op -> (request type, result type or None)
        self.aliases = []  # (alias, target)
        self.name_types()
        self.shape_index = {}
        self.shape_rows = []
        self.enum_values = []
        self.enum_index = {}

    def check_supported(self):
        known = {"string", "integer", "long", "boolean", "timestamp", "blob", "list", "map", "structure"}
        for name, shape in self.shapes.items():
            if shape["type"] not in known:
                fail("%s: shape %s has unsupported type %s" % (self.file, name, shape["type"]))
            if name in RESERVED_TYPE_NAMES and shape["type"] == "structure" and not shape.get("exception"):
                fail("%s: structure %s collides with a protocol type name" % (self.file, name))
        for op in self.ops.values():
            if "input" in op and not self.json:
                for n in self.reach([op["input"]["shape"]], kinds=None):
                    if self.shapes[n]["type"] == "map":
                        fail("%s: %s has a map input, which the Query decoder does not support" %
                             (self.file, op["name"]))

    def default_send_empty(self, struct_name, member_name):
        required = member_name in self.shapes[struct_name].get("required", [])
        return required or struct_name in self.result_shapes

    def check_empty_list_rules(self, rules):
        """Validates this service's lines of models/empty_lists.txt; {(shape, member): rule}."""
        out = {}
        for (struct_name, member_name), (rule, location) in sorted(rules.items()):
            where = "%s: %s %s.%s" % (location, self.file, struct_name, member_name)
            shape = self.shapes.get(struct_name)
            if shape is None or shape["type"] != "structure" or member_name not in shape.get("members", {}):
                fail("%s: no such structure member in the model" % where)
            if self.shapes[shape["members"][member_name]["shape"]]["type"] not in ("list", "map"):
                fail("%s: not a list or map" % where)
            if struct_name not in self.output_structs:
                fail("%s: no response contains this structure" % where)
            if rule == "handler" and struct_name in self.input_structs:
                fail("%s: 'handler' would change a request structure too" % where)
            if rule != "handler" and (rule == "send") == self.default_send_empty(struct_name, member_name):
                fail("%s: '%s' is already the default" % (where, rule))
            out[(struct_name, member_name)] = rule
        return out

    def send_empty(self, struct_name, member_name):
        """Whether an empty list or map member is written as <Name/> (false for scalars)."""
        member_shape = self.shapes[self.shapes[struct_name]["members"][member_name]["shape"]]
        if member_shape["type"] not in ("list", "map"):
            return False
        rule = self.empty_list_rules.get((struct_name, member_name))
        if rule is None:
            return self.default_send_empty(struct_name, member_name)
        return rule == "send"

    def children(self, shape):
        refs = [m["shape"] for m in shape.get("members", {}).values()]
        for k in ("member", "key", "value"):
            if k in shape:
                refs.append(shape[k]["shape"])
        return refs

    def reach(self, roots, kinds=("structure",)):
        seen = set()
        stack = list(roots)
        while stack:
            n = stack.pop()
            if n in seen:
                continue
            seen.add(n)
            stack.extend(self.children(self.shapes[n]))
        if kinds is None:
            return seen
        return {n for n in seen if self.shapes[n]["type"] in kinds}

    def name_types(self):
        top_inputs = {}
        top_outputs = {}
        for op_name, op in sorted(self.ops.items()):
            if "input" in op:
                top_inputs.setdefault(op["input"]["shape"], []).append(op_name)
            if "output" in op:
                top_outputs.setdefault(op["output"]["shape"], []).append(op_name)
        for name in sorted(self.input_structs | self.output_structs):
            if name in top_inputs:
                self.type_names[name] = name
            elif name in top_outputs:
                self.type_names[name] = re.sub(r"Response$", "Result", name)
            else:
                self.type_names[name] = name
        used = set(self.type_names.values())
        if len(used) != len(self.type_names):
            fail("%s: two shapes map to one C++ type name" % self.file)
        for op_name, op in sorted(self.ops.items()):
            req = op_name + "Request"
            if "input" in op:
                target = self.type_names[op["input"]["shape"]]
                if target != req:
                    if req in used:
                        fail("%s: alias %s collides" % (self.file, req))
                    self.aliases.append((req, target))
                    used.add(req)
            else:
                if req in used:
                    fail("%s: %s collides" % (self.file, req))
                self.type_names["<none>" + op_name] = req
                used.add(req)
            res = None
            if "output" in op:
                res = op_name + "Result"
                target = self.type_names[op["output"]["shape"]]
                if target != res:
                    if res in used:
                        fail("%s: alias %s collides" % (self.file, res))
                    self.aliases.append((res, target))
                    used.add(res)
            self.op_types[op_name] = (req, res)

    # --- tables ---

    def shape_id(self, name):
        if name in self.shape_index:
            return self.shape_index[name]
        shape = self.shapes[name]
        idx = len(self.shape_rows)
        self.shape_index[name] = idx
        self.shape_rows.append(None)
        kind = {"string": "kString", "integer": "kInteger", "long": "kLong", "boolean": "kBoolean",
                "timestamp": "kTimestamp", "blob": "kBlob", "list": "kList", "map": "kMap",
                "structure": "kStructure"}[shape["type"]]
        has_min = "min" in shape and shape["type"] != "structure"
        has_max = "max" in shape and shape["type"] != "structure"
        pattern = -1
        if "pattern" in shape and shape["type"] == "string" and name not in SERVICE_CHECKED_PATTERNS:
            pattern = self.patterns.add(shape["pattern"])
        enum_first = enum_count = 0
        if "enum" in shape:
            key = tuple(shape["enum"])
            if key not in self.enum_index:
                self.enum_index[key] = len(self.enum_values)
                self.enum_values.extend(shape["enum"])
            enum_first, enum_count = self.enum_index[key], len(shape["enum"])
        member = value = 0
        member_name = key_name = value_name = ""
        if shape["type"] == "list":
            member = self.shape_id(shape["member"]["shape"])
            member_name = shape["member"].get("locationName", "member")
        elif shape["type"] == "map":
            member = self.shape_id(shape["key"]["shape"])
            value = self.shape_id(shape["value"]["shape"])
            member_name = "entry"
            key_name = shape["key"].get("locationName", "key")
            value_name = shape["value"].get("locationName", "value")
        row = "{Kind::%s, %s, %s, %d, %d, %d, %s, %s, %s, %s, %d, %d, %d, %d, %s, %s, %s}" % (
            kind, "true" if has_min else "false", "true" if has_max else "false",
            shape.get("min", 0) if has_min else 0, shape.get("max", 0) if has_max else 0, pattern,
            "true" if shape.get("sensitive") else "false",
            "true" if name in URL_ENCODED_SHAPES else "false",
            "true" if shape.get("flattened") else "false",
            "true" if shape["type"] == "list" and name in MEMBERS_NOT_NULL_LISTS.get(self.file, ()) else "false",
            enum_first, enum_count, member, value, cpp_string(member_name), cpp_string(key_name),
            cpp_string(value_name))
        self.shape_rows[idx] = "    %s,  // %s" % (row, name)
        return idx

    # --- C++ types ---

    def field_type(self, shape_name, optional_rule):
        shape = self.shapes[shape_name]
        t = shape["type"]
        if t == "list":
            vector = "std::vector<%s>" % self.field_type(shape["member"]["shape"], False)
            return "std::optional<%s>" % vector if optional_rule else vector
        if t == "map":
            pairs = "std::vector<std::pair<%s, %s>>" % (self.field_type(shape["key"]["shape"], False),
                                                        self.field_type(shape["value"]["shape"], False))
            return "std::optional<%s>" % pairs if optional_rule else pairs
        base = {"string": "std::string", "blob": "std::string", "integer": "std::int64_t", "long": "std::int64_t",
                "boolean": "bool", "timestamp": "common::Timestamp"}.get(t)
        if base is None:
            base = self.type_names[shape_name]
        return "std::optional<%s>" % base if optional_rule else base

    def struct_fields(self, name):
        shape = self.shapes[name]
        required = set(shape.get("required", []))
        input_side = name in self.input_structs
        fields = []
        for member_name, ref in shape.get("members", {}).items():
            t = self.shapes[ref["shape"]]["type"]
            is_required = member_name in required
            optional = t not in ("list", "map") and (not is_required or not input_side)
            if member_name in ALWAYS_SENT_OUTPUT_MEMBERS and not input_side:
                optional = False
            if self.empty_list_rules.get((name, member_name)) == "handler":
                optional = True  # present (even empty) or left out: the handler says
            ctype = self.field_type(ref["shape"], optional)
            init = ""
            if not optional and t in ("integer", "long"):
                init = " = 0"
            elif not optional and t == "boolean":
                init = " = false"
            fields.append((member_name, snake(member_name), ctype, init, ref, is_required))
        names = [f[1] for f in fields]
        if len(set(names)) != len(names):
            fail("%s: %s has two members with one C++ name" % (self.file, name))
        return fields

    def struct_order(self):
        structs = sorted(self.input_structs | self.output_structs)
        order = []
        state = {}

        def deps(n):
            out = []
            for ref in self.shapes[n].get("members", {}).values():
                for d in self.reach([ref["shape"]]):
                    if d != n:
                        out.append(d)
            return sorted(set(out))

        def visit(n, chain):
            if state.get(n) == 2:
                return
            if state.get(n) == 1:
                fail("%s: recursive structures %s" % (self.file, " -> ".join(chain + [n])))
            state[n] = 1
            for d in deps(n):
                visit(d, chain + [n])
            state[n] = 2
            order.append(n)

        for n in structs:
            visit(n, [])
        return order

    def header(self):
        out = []
        out.append("// Generated by tools/gen_protocol.py from models/%s.json. Do not edit." % self.file)
        out.append("//")
        out.append("// %s operations as typed C++: one Request and one Result structure per operation" %
                   self.model["metadata"]["serviceId"])
        out.append("// (members in model order, snake_case), the %s handler interface, and dispatch()." %
                   self.cls)
        out.append("// Optional members are std::optional; in structures an operation's input reaches, members")
        out.append("// the model requires are plain values (present once decoded); structures only outputs reach")
        out.append("// have every scalar optional. Lists are std::vector (an unset optional list is empty),")
        out.append("// maps std::vector<std::pair>; whether an empty one is sent follows models/empty_lists.txt,")
        out.append("// and the members it marks `handler` are std::optional<std::vector>: set (even empty) ->")
        out.append("// sent, unset -> left out. Thread-safety: plain value types.")
        out.append("#pragma once")
        out.append("")
        for inc in ("cstdint", "optional", "span", "string", "string_view", "utility", "vector"):
            out.append("#include <%s>" % inc)
        out.append("")
        out.append('#include "common/result.h"')
        out.append('#include "common/time.h"')
        out.append('#include "protocol/form.h"')
        out.append('#include "protocol/response.h"')
        out.append("")
        out.append("namespace iamd::protocol::%s {" % self.ns)
        out.append("")
        for name in self.struct_order():
            cname = self.type_names[name]
            out.append("struct %s {" % cname)
            out.append("  static constexpr std::string_view kShapeName = %s;" % cpp_string(name))
            for member_name, field, ctype, init, ref, is_required in self.struct_fields(name):
                note = ""
                if is_required:
                    note = "  // required" if name in self.input_structs else "  // required in the model"
                out.append("  %s %s%s;%s" % (ctype, field, init, note))
            out.append("};")
            out.append("")
        for op_name, (req, res) in sorted(self.op_types.items()):
            if "input" not in self.ops[op_name]:
                out.append("struct %s {" % req)
                out.append("  static constexpr std::string_view kShapeName = %s;" % cpp_string(req))
                out.append("};")
        for alias, target in self.aliases:
            out.append("using %s = %s;" % (alias, target))
        out.append("")
        out.append("// The %s handler interface: one virtual method per operation, called by dispatch() with a" %
                   self.model["metadata"]["serviceId"])
        out.append("// request that passed the model's validation. Every default returns InvalidAction")
        out.append("// (\"The operation X is not supported by iamd.\"), so an implementation overrides what it")
        if self.json:
            out.append("// (answered as UnknownOperationException by the JSON envelope, as an AWS JSON service")
            out.append("// answers an operation it does not have),")
        out.append("// supports and nothing answers with a fake success. A handler reports expected failures as")
        out.append("// an Error whose code is the AWS error code (NoSuchEntity, EntityAlreadyExists, ...); the")
        out.append("// HTTP status comes from protocol::http_status(). Implementations are typically built per")
        out.append("// request around the authenticated caller; dispatch() does not synchronise calls.")
        out.append("class %s {" % self.cls)
        out.append(" public:")
        out.append("  virtual ~%s() = default;" % self.cls)
        out.append("")
        if self.json:
            out.append("  // (JSON: `params` are the decoded request's members in Query form: Name, Name.member.N,")
            out.append("  // Name.Sub; the pipeline reads them as it reads the Query services'.)")
        out.append("  // The operation pipeline's hooks, called by dispatch() around every operation:")
        out.append("  // begin_operation after the request decoded and passed validation, before the")
        out.append("  // operation's method (an error is the answer and the method is not called);")
        out.append("  // end_operation after the method returned, with its outcome (success, or the method's")
        out.append("  // error), before anything is encoded: its answer is the outcome that counts (a commit that")
        out.append("  // failed, a domain error mapped to AWS's). The defaults do nothing and pass the outcome on.")
        out.append("  virtual common::Result<void> begin_operation(std::string_view operation, const Params& params);")
        out.append("  virtual common::Result<void> end_operation(common::Result<void> outcome);")
        out.append("  // Where the codec notes the call for the audit trail (protocol/response.h CallNotes); null,")
        out.append("  // the default: nothing is noted.")
        out.append("  virtual CallNotes* call_notes() { return nullptr; }")
        out.append("")
        for op_name, (req, res) in sorted(self.op_types.items()):
            ret = "common::Result<%s>" % (res if res else "void")
            out.append("  virtual %s %s(const %s& request);" % (ret, snake(op_name), req))
        out.append("};")
        out.append("")
        if self.json:
            out.append("// Reads `body` (JSON 1.1) as the request of `operation` (the part of X-Amz-Target after")
            out.append("// the service's prefix), validates it (SerializationException for a value of the wrong")
            out.append("// type, InvalidInputException with a Reason for a constraint), calls the hooks and the")
            out.append("// handler with the request's members also flattened into Query-form Params, and encodes")
            out.append("// its result as JSON, or any error as the JSON envelope (protocol/json_rpc.h). An")
            out.append("// operation the model does not have -> UnknownOperationException.")
            out.append("Response dispatch(%s& service, std::string_view operation, std::string_view body," % self.cls)
            out.append("                  std::string_view request_id);")
            out.append("")
            out.append("// For tests and diagnostics: every constraint failure of `body` as the request of")
            out.append("// `operation`, as (Reason, member path) in the order found (model order); empty when it")
            out.append("// has none, or the operation or the body is unknown or unreadable.")
            out.append("std::vector<std::pair<std::string, std::string>> constraint_failures(std::string_view operation,")
            out.append("                                                                     std::string_view body);")
        else:
            out.append("// Decodes `params` as operation `action` (validation failures -> ValidationError), calls the")
            out.append("// handler and encodes its result as <ActionResponse> XML, or any error as the error")
            out.append("// envelope. An Action the model does not have -> InvalidAction. `request_id` goes into the")
            out.append("// response as RequestId.")
            out.append("Response dispatch(%s& service, std::string_view action, const Params& params," % self.cls)
            out.append("                  std::string_view request_id);")
        out.append("")
        out.append("// Every operation of the model, sorted.")
        out.append("std::span<const std::string_view> operation_names();")
        out.append("")
        out.append("}  // namespace iamd::protocol::%s" % self.ns)
        return "\n".join(out) + "\n"

    def source(self):
        order = self.struct_order()
        visits = []
        for name in order:
            cname = self.type_names[name]
            fields = self.struct_fields(name)
            members = []
            for member_name, field, ctype, init, ref, is_required in fields:
                wire = ref.get("locationName", member_name)
                members.append("{%s, %s, %d, %s, %s}" % (
                    cpp_string(member_name), cpp_string(wire), self.shape_id(ref["shape"]),
                    "true" if is_required else "false", "true" if self.send_empty(name, member_name) else "false"))
            visits.append("template <>")
            visits.append("struct Visit<%s::%s> {" % (self.ns, cname))
            if fields:
                visits.append("  static constexpr MemberInfo kMembers[] = {%s};" % ", ".join(members))
                visits.append("  template <class V, class S>")
                visits.append("  static void members(V& v, S& s) {")
                for k, f in enumerate(fields):
                    visits.append("    v(kMembers[%d], s.%s);" % (k, f[1]))
                visits.append("  }")
            else:
                visits.append("  template <class V, class S>")
                visits.append("  static void members(V&, S&) {}")
            visits.append("};")
        for op_name, (req, res) in sorted(self.op_types.items()):
            if "input" not in self.ops[op_name]:
                visits.append("template <>")
                visits.append("struct Visit<%s::%s> {" % (self.ns, req))
                visits.append("  template <class V, class S>")
                visits.append("  static void members(V&, S&) {}")
                visits.append("};")

        out = []
        out.append("// Generated by tools/gen_protocol.py from models/%s.json. Do not edit." % self.file)
        out.append('#include "protocol/%s.h"' % self.file)
        out.append("")
        out.append('#include "protocol/json_codec.h"' if self.json else '#include "protocol/codec.h"')
        out.append("")
        out.append("namespace iamd::protocol::detail {")
        out.append("")
        out.append("namespace {")
        out.append("constexpr std::string_view k%sEnums[] = {" % self.cls)
        for k in range(0, len(self.enum_values), 6):
            out.append("    " + ", ".join(cpp_string(v) for v in self.enum_values[k:k + 6]) + ",")
        if not self.enum_values:
            out.append('    "",')
        out.append("};")
        out.append("constexpr ShapeInfo k%sShapes[] = {" % self.cls)
        out.extend(self.shape_rows)
        out.append("};")
        out.append("}  // namespace")
        out.append("")
        show_values, list_enum_values = MESSAGE_STYLE[self.file]
        if self.json:
            out.append("extern const ServiceModel k%sModel;  // declared in protocol/json_codec.h" % self.cls)
        out.append("const ServiceModel k%sModel{Service::%s, k%sShapes, k%sEnums, %s, %s};" %
                   (self.cls, self.enum, self.cls, self.cls, "true" if show_values else "false",
                    "true" if list_enum_values else "false"))
        out.append("")
        out.extend(visits)
        out.append("")
        out.append("}  // namespace iamd::protocol::detail")
        out.append("")
        out.append("namespace iamd::protocol::%s {" % self.ns)
        out.append("")
        out.append("namespace {")
        if self.json:
            out.append("using detail::invoke_json;")
            out.append("using Entry = detail::JsonOperationEntry<%s>;" % self.cls)
            out.append("constexpr Entry kOperations[] = {")
            for op_name, (req, res) in sorted(self.op_types.items()):
                out.append("    {%s, &invoke_json<%s, %s, %s, &%s::%s>, &detail::json_failures<%s>}," % (
                    cpp_string(op_name), self.cls, req, res if res else "void", self.cls, snake(op_name), req))
        else:
            out.append("using detail::invoke;")
            out.append("using Entry = detail::OperationEntry<%s>;" % self.cls)
            out.append("constexpr Entry kOperations[] = {")
            for op_name, (req, res) in sorted(self.op_types.items()):
                wrapper = self.ops[op_name]["output"].get("resultWrapper", op_name + "Result") if res else ""
                out.append("    {%s, %s, &invoke<%s, %s, %s, &%s::%s>}," % (
                    cpp_string(op_name), cpp_string(wrapper), self.cls, req, res if res else "void", self.cls,
                    snake(op_name)))
        out.append("};")
        out.append("constexpr std::string_view kNames[] = {")
        for op_name in sorted(self.ops):
            out.append("    %s," % cpp_string(op_name))
        out.append("};")
        out.append("}  // namespace")
        out.append("")
        for op_name, (req, res) in sorted(self.op_types.items()):
            ret = "common::Result<%s>" % (res if res else "void")
            out.append("%s %s::%s(const %s&) { return unsupported_operation(%s); }" % (
                ret, self.cls, snake(op_name), req, cpp_string(op_name)))
        out.append("common::Result<void> %s::begin_operation(std::string_view, const Params&) { return {}; }" % self.cls)
        out.append("common::Result<void> %s::end_operation(common::Result<void> outcome) { return outcome; }" % self.cls)
        out.append("")
        if self.json:
            out.append("Response dispatch(%s& service, std::string_view operation, std::string_view body," % self.cls)
            out.append("                  std::string_view request_id) {")
            out.append("  return detail::dispatch_json_operation<%s>(service, detail::k%sModel, kOperations, operation," %
                       (self.cls, self.cls))
            out.append("                                                   body, request_id);")
            out.append("}")
            out.append("")
            out.append("std::vector<std::pair<std::string, std::string>> constraint_failures(std::string_view operation,")
            out.append("                                                                     std::string_view body) {")
            out.append("  return detail::constraint_failures<%s>(detail::k%sModel, kOperations, operation, body);" %
                       (self.cls, self.cls))
            out.append("}")
        else:
            out.append("Response dispatch(%s& service, std::string_view action, const Params& params," % self.cls)
            out.append("                  std::string_view request_id) {")
            out.append("  return detail::dispatch_operation<%s>(service, detail::k%sModel, kOperations, action, params," %
                       (self.cls, self.cls))
            out.append("                                              request_id);")
            out.append("}")
        out.append("")
        out.append("std::span<const std::string_view> operation_names() { return kNames; }")
        out.append("")
        out.append("}  // namespace iamd::protocol::%s" % self.ns)
        # The shape table rows are filled while the visits are built, so assemble afterwards.
        return "\n".join(out) + "\n"

    def test_service(self):
        out = []
        out.append("// Generated by tools/gen_protocol.py from models/%s.json. Do not edit." % self.file)
        out.append("//")
        out.append("// For tests and fuzzing of the wire layer only: answers every operation with a")
        out.append("// default-constructed result, so each operation's decoder and encoder can run end to end.")
        out.append("// Never wire this into a server.")
        out.append("#pragma once")
        out.append("")
        out.append('#include "protocol/%s.h"' % self.file)
        out.append("")
        out.append("namespace iamd::protocol::%s {" % self.ns)
        out.append("")
        out.append("class EmptyResult%s : public %s {" % (self.cls, self.cls))
        out.append(" public:")
        for op_name, (req, res) in sorted(self.op_types.items()):
            ret = "common::Result<%s>" % (res if res else "void")
            body = "return %s{};" % res if res else "return {};"
            out.append("  %s %s(const %s&) override { %s }" % (ret, snake(op_name), req, body))
        out.append("};")
        out.append("")
        out.append("}  // namespace iamd::protocol::%s" % self.ns)
        return "\n".join(out) + "\n"

    def errors(self):
        """{code: HTTP status} of the model's error shapes. The JSON services' shapes carry no
        `error` metadata: the code is the shape's name, 500 for a fault and 400 otherwise."""
        out = {}
        for name, shape in self.shapes.items():
            if shape.get("exception") and ("error" in shape or self.json):
                err = shape.get("error", {})
                code = err.get("code", name)
                status = err.get("httpStatusCode", 500 if shape.get("fault") else 400)
                out[code] = status
        return out


EMPTY_LIST_RULES = ("send", "omit", "handler")


def read_empty_list_rules(path):
    """{service: {(shape, member): rule}} from models/empty_lists.txt."""
    rules = {}
    try:
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
    except OSError as e:
        fail("%s: %s" % (path, e))
    for number, line in enumerate(lines, 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        fields = line.split()
        if len(fields) != 3 or fields[1].count(".") != 1 or fields[2] not in EMPTY_LIST_RULES:
            fail("%s:%d: expected 'SERVICE SHAPE.Member send|omit|handler', got %r" % (path, number, line))
        service, target, rule = fields
        key = tuple(target.split("."))
        per_service = rules.setdefault(service, {})
        if key in per_service:
            fail("%s:%d: %s has a second rule" % (path, number, target))
        per_service[key] = (rule, "%s:%d" % (path, number))
    return rules


def write(path, text):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def main():
    if len(sys.argv) != 3:
        fail("usage: gen_protocol.py OUT_DIR MODEL_DIR")
    out_dir = os.path.join(sys.argv[1], "protocol")
    model_dir = sys.argv[2]
    os.makedirs(out_dir, exist_ok=True)
    patterns = PatternTables()
    empty_list_rules = read_empty_list_rules(os.path.join(model_dir, "empty_lists.txt"))
    unknown = set(empty_list_rules) - {file_name for file_name, _, _, _ in SERVICES}
    if unknown:
        fail("%s: unknown service %s" % (os.path.join(model_dir, "empty_lists.txt"), ", ".join(sorted(unknown))))
    errors = {}
    for file_name, namespace, enum_name, class_name in SERVICES:
        with open(os.path.join(model_dir, file_name + ".json"), encoding="utf-8") as f:
            model = json.load(f)
        gen = ServiceGen(file_name, namespace, enum_name, class_name, model, patterns,
                         empty_list_rules.get(file_name, {}))
        source = gen.source()  # fills the shape tables
        write(os.path.join(out_dir, file_name + ".h"), gen.header())
        write(os.path.join(out_dir, file_name + ".cc"), source)
        write(os.path.join(out_dir, file_name + "_test_service.h"), gen.test_service())
        for code, status in gen.errors().items():
            if errors.get(code, status) != status:
                fail("error code %s has HTTP status %d in one model and %d in another" %
                     (code, errors[code], status))
            errors[code] = status
    out = ["// Generated by tools/gen_protocol.py from models/*.json. Do not edit.",
           '#include "protocol/codec.h"', '#include "protocol/pattern.h"', "",
           "namespace iamd::protocol::detail {", ""]
    patterns.emit_cc(out)
    out.append("")
    out.append("const ErrorStatus kModeledErrors[] = {")
    for code in sorted(errors):
        out.append("    {%s, %d}," % (cpp_string(code), errors[code]))
    out.append("};")
    out.append("const std::size_t kModeledErrorCount = %d;" % len(errors))
    out.append("")
    out.append("}  // namespace iamd::protocol::detail")
    write(os.path.join(out_dir, "model_tables.cc"), "\n".join(out) + "\n")


if __name__ == "__main__":
    main()
