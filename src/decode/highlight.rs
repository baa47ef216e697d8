//! Syntax highlighting with syntect (pure-Rust regexes), lazy and cached:
//! only the lines a view asks for are highlighted, and each once. Output
//! is roles (key, string, number, tag, ...) over byte ranges of a line, so
//! the view picks colors from its own dark or light theme.
//!
//! Highlighting is a state carried from line to line. For pretty JSON the
//! state at any line is rebuilt exactly from the containers open before
//! it (a few bytes of synthetic prefix), so a line in the middle of 10 MB
//! costs the same as the first. For other languages states are kept every
//! 32 lines from the top; a jump far past them starts afresh there (rarely
//! wrong for a line or two, never slow). Syntax definitions load once, on
//! a background thread started early (`preload`). Must not import the
//! terminal crates.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::sync::OnceLock;

use syntect::parsing::{ParseState, Scope, ScopeStack, SyntaxReference, SyntaxSet};

use super::kind::Lang;
use super::pretty::{LineOut, LineStart};

/// What a piece of a line is, for choosing its color.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    Plain,
    Key,
    String,
    Number,
    Constant,
    Keyword,
    Tag,
    Attr,
    Function,
    Comment,
    Punct,
}

/// Byte ranges of a line and their roles, in order, covering the line.
pub type Spans = Vec<(Range<usize>, Role)>;

/// Lines longer than this are highlighted over their first bytes only.
const HL_MAX: usize = 4096;
/// States are kept every this many lines (non-JSON).
const STATE_EVERY: usize = 32;
/// Farther than this past the last state, highlighting starts afresh.
const WARMUP_MAX: usize = 2000;
const CACHE_MAX: usize = 8192;

static SYNTAXES: OnceLock<SyntaxSet> = OnceLock::new();

/// The syntax definitions (loaded on first use; `preload` does it early).
pub fn syntaxes() -> &'static SyntaxSet {
    SYNTAXES.get_or_init(SyntaxSet::load_defaults_newlines)
}

/// The syntax definitions if they are loaded; never waits.
pub fn ready() -> Option<&'static SyntaxSet> {
    SYNTAXES.get()
}

/// Loads the syntax definitions on a background thread, so the first
/// frame never waits for them.
pub fn preload() {
    if SYNTAXES.get().is_none() {
        let _ = std::thread::Builder::new()
            .name("wirescope-syntaxes".into())
            .spawn(|| {
                let ss = syntaxes();
                // Compiling a grammar's regexes happens on first use: do
                // JSON's now too.
                if let Some(json) = ss.find_syntax_by_name("JSON") {
                    let _ = ParseState::new(json).parse_line("{\"a\": [1]}\n", ss);
                }
            });
    }
}

fn rules() -> &'static [(Vec<Scope>, Role)] {
    static RULES: OnceLock<Vec<(Vec<Scope>, Role)>> = OnceLock::new();
    RULES.get_or_init(|| {
        let table: &[(&[&str], Role)] = &[
            (&["comment"], Role::Comment),
            (
                &[
                    "meta.structure.dictionary.key.json",
                    "support.type.property-name",
                    "entity.name.tag.yaml",
                ],
                Role::Key,
            ),
            (
                &["entity.name.tag", "punctuation.definition.tag"],
                Role::Tag,
            ),
            (
                &["entity.other.attribute-name", "entity.other.pseudo-class"],
                Role::Attr,
            ),
            (&["string"], Role::String),
            (&["constant.numeric", "constant.other.color"], Role::Number),
            (
                &[
                    "constant.language",
                    "constant.character",
                    "support.constant",
                ],
                Role::Constant,
            ),
            (&["keyword", "storage"], Role::Keyword),
            (
                &[
                    "entity.name.function",
                    "support.function",
                    "variable.function",
                ],
                Role::Function,
            ),
            (&["punctuation"], Role::Punct),
        ];
        table
            .iter()
            .map(|(names, role)| {
                let scopes = names.iter().filter_map(|n| Scope::new(n).ok()).collect();
                (scopes, *role)
            })
            .collect()
    })
}

/// The role of text under `stack`.
pub fn role_of(stack: &[Scope]) -> Role {
    for (prefixes, role) in rules() {
        if stack
            .iter()
            .any(|s| prefixes.iter().any(|p| p.is_prefix_of(*s)))
        {
            return *role;
        }
    }
    Role::Plain
}

fn push_span(spans: &mut Spans, range: Range<usize>, role: Role) {
    if range.is_empty() {
        return;
    }
    if let Some((last, r)) = spans.last_mut() {
        if *r == role && last.end == range.start {
            last.end = range.end;
            return;
        }
    }
    spans.push((range, role));
}

/// Parses one line (text without its line break) from `state`, returning
/// its spans; `None` when the grammar failed on it.
fn parse(ss: &SyntaxSet, state: &mut (ParseState, ScopeStack), text: &str) -> Option<Spans> {
    let mut cut = text.len().min(HL_MAX);
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    let mut line = String::with_capacity(cut + 1);
    line.push_str(&text[..cut]);
    line.push('\n');
    let ops = state.0.parse_line(&line, ss).ok()?;
    let mut spans = Spans::new();
    let mut at = 0;
    for (i, op) in ops {
        let i = i.min(cut);
        push_span(&mut spans, at..i, role_of(state.1.as_slice()));
        at = at.max(i);
        state.1.apply(&op).ok()?;
    }
    push_span(&mut spans, at..cut, role_of(state.1.as_slice()));
    push_span(&mut spans, cut..text.len(), Role::Plain);
    Some(spans)
}

/// Highlights the lines of one body, remembering what it has done.
#[derive(Debug, Clone)]
pub struct Highlighter {
    lang: Lang,
    cache: HashMap<usize, Spans>,
    /// Non-JSON: the state at the start of line `n`.
    states: BTreeMap<usize, (ParseState, ScopeStack)>,
    /// JSON: the state after the prefix for a set of open containers.
    prefixes: HashMap<(u32, u64), (ParseState, ScopeStack)>,
}

impl Highlighter {
    pub fn new(lang: Lang) -> Self {
        Highlighter {
            lang,
            cache: HashMap::new(),
            states: BTreeMap::new(),
            prefixes: HashMap::new(),
        }
    }

    pub fn lang(&self) -> Lang {
        self.lang
    }

    fn syntax<'a>(&self, ss: &'a SyntaxSet) -> &'a SyntaxReference {
        ss.find_syntax_by_name(self.lang.syntax_name())
            .unwrap_or_else(|| ss.find_syntax_plain_text())
    }

    /// Spans of `lines`, which are display lines `first..` of the body.
    /// `fetch(first, count)` gives earlier lines when warming up a state.
    pub fn highlight(
        &mut self,
        ss: &SyntaxSet,
        first: usize,
        lines: &[LineOut],
        fetch: &mut dyn FnMut(usize, usize) -> Vec<LineOut>,
    ) -> Vec<Spans> {
        if self.cache.len() > CACHE_MAX {
            self.cache.clear();
        }
        if self.lang == Lang::Plain {
            return lines
                .iter()
                .map(|l| vec![(0..l.bytes.len(), Role::Plain)])
                .collect();
        }
        let all_cached = (first..first + lines.len()).all(|n| self.cache.contains_key(&n));
        if !all_cached {
            if self.lang == Lang::Json {
                for (k, l) in lines.iter().enumerate() {
                    if !self.cache.contains_key(&(first + k)) {
                        let spans = self.json_line(ss, l);
                        self.cache.insert(first + k, spans);
                    }
                }
            } else {
                self.sequential(ss, first, lines, fetch);
            }
        }
        (first..first + lines.len())
            .zip(lines)
            .map(|(n, l)| {
                self.cache
                    .get(&n)
                    .cloned()
                    .unwrap_or_else(|| vec![(0..l.bytes.len(), Role::Plain)])
            })
            .collect()
    }

    fn json_line(&mut self, ss: &SyntaxSet, l: &LineOut) -> Spans {
        let plain = || vec![(0..l.bytes.len(), Role::Plain)];
        let Ok(text) = std::str::from_utf8(&l.bytes) else {
            return plain();
        };
        let key = (l.start.level, l.start.objects);
        if !self.prefixes.contains_key(&key) {
            if self.prefixes.len() > 1024 {
                self.prefixes.clear();
            }
            let mut state = (ParseState::new(self.syntax(ss)), ScopeStack::new());
            let prefix = json_prefix(&l.start);
            if !prefix.is_empty() && parse(ss, &mut state, &prefix).is_none() {
                return plain();
            }
            self.prefixes.insert(key, state);
        }
        let mut state = self.prefixes[&key].clone();
        parse(ss, &mut state, text).unwrap_or_else(plain)
    }

    fn sequential(
        &mut self,
        ss: &SyntaxSet,
        first: usize,
        lines: &[LineOut],
        fetch: &mut dyn FnMut(usize, usize) -> Vec<LineOut>,
    ) {
        if self.states.len() > 4096 {
            let keep = self
                .states
                .range(..=first)
                .next_back()
                .map(|(k, v)| (*k, v.clone()));
            self.states.clear();
            if let Some((k, v)) = keep {
                self.states.insert(k, v);
            }
        }
        let syntax = self.syntax(ss);
        let fresh = || (ParseState::new(syntax), ScopeStack::new());
        let (mut at, mut state) = match self.states.range(..=first).next_back() {
            Some((k, s)) if first - k <= WARMUP_MAX => (*k, s.clone()),
            _ if first <= WARMUP_MAX => (0, fresh()),
            _ => (first, fresh()),
        };
        if at < first {
            let warm = fetch(at, first - at);
            for l in &warm {
                self.step(ss, at, l, &mut state);
                at += 1;
            }
            if at < first {
                // The body ended early (should not happen): start afresh.
                at = first;
                state = fresh();
            }
        }
        for l in lines {
            self.step(ss, at, l, &mut state);
            at += 1;
        }
        self.states.entry(at).or_insert(state);
    }

    /// Highlights line `n` from `state` (the state at its start), caches
    /// it, and leaves `state` at the start of line `n + 1`.
    fn step(
        &mut self,
        ss: &SyntaxSet,
        n: usize,
        l: &LineOut,
        state: &mut (ParseState, ScopeStack),
    ) {
        if n.is_multiple_of(STATE_EVERY) {
            self.states.entry(n).or_insert_with(|| state.clone());
        }
        let spans = match std::str::from_utf8(&l.bytes) {
            Ok(text) => {
                let before = state.clone();
                parse(ss, state, text).unwrap_or_else(|| {
                    *state = before;
                    vec![(0..l.bytes.len(), Role::Plain)]
                })
            }
            Err(_) => vec![(0..l.bytes.len(), Role::Plain)],
        };
        self.cache.insert(n, spans);
    }
}

/// Text that opens the containers open before a JSON line, so parsing it
/// puts the grammar in the state the line starts in.
pub fn json_prefix(start: &LineStart) -> String {
    let mut p = String::new();
    for i in 0..start.level.min(200) {
        if start.is_object(i) {
            p.push('{');
            if i + 1 < start.level {
                p.push_str("\"\":");
            }
        } else {
            p.push('[');
        }
    }
    p
}

#[cfg(test)]
#[path = "highlight_tests.rs"]
mod tests;
