//! A one-line text editor (URL, method, header, timeouts, CA file). The
//! body uses `ratatui-textarea`; a single line needs only this much, and
//! plain state keeps `update` testable without a terminal.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Text and a cursor (a byte index on a char boundary).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LineEditor {
    pub text: String,
    pub cursor: usize,
}

impl LineEditor {
    /// Starts with the cursor at the end, where people continue typing.
    pub fn new(text: impl Into<String>) -> Self {
        let text = text.into();
        let cursor = text.len();
        LineEditor { text, cursor }
    }

    pub fn insert_str(&mut self, s: &str) {
        // Pasted line breaks would end up on the wire as part of a URL or
        // header; a single line keeps none.
        let clean: String = s.chars().filter(|c| *c != '\r' && *c != '\n').collect();
        self.text.insert_str(self.cursor, &clean);
        self.cursor += clean.len();
    }

    fn prev_boundary(&self) -> usize {
        self.text[..self.cursor]
            .char_indices()
            .next_back()
            .map_or(0, |(i, _)| i)
    }

    fn next_boundary(&self) -> usize {
        self.text[self.cursor..]
            .chars()
            .next()
            .map_or(self.cursor, |c| self.cursor + c.len_utf8())
    }

    /// Applies an editing key; false when the key is not an editing key.
    pub fn key(&mut self, key: KeyEvent) -> bool {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Char('a') if ctrl => self.cursor = 0,
            KeyCode::Char('e') if ctrl => self.cursor = self.text.len(),
            KeyCode::Char('u') if ctrl => {
                self.text.drain(..self.cursor);
                self.cursor = 0;
            }
            KeyCode::Char('k') if ctrl => self.text.truncate(self.cursor),
            KeyCode::Char('w') if ctrl => {
                let before = &self.text[..self.cursor];
                let trimmed = before.trim_end();
                let start = trimmed
                    .rfind(|c: char| c.is_whitespace() || c == '/')
                    .map_or(0, |i| i + 1);
                self.text.drain(start..self.cursor);
                self.cursor = start;
            }
            KeyCode::Char(_) if ctrl => return false,
            KeyCode::Char(c) => {
                self.text.insert(self.cursor, c);
                self.cursor += c.len_utf8();
            }
            KeyCode::Backspace => {
                let start = self.prev_boundary();
                self.text.drain(start..self.cursor);
                self.cursor = start;
            }
            KeyCode::Delete => {
                let end = self.next_boundary();
                self.text.drain(self.cursor..end);
            }
            KeyCode::Left => self.cursor = self.prev_boundary(),
            KeyCode::Right => self.cursor = self.next_boundary(),
            KeyCode::Home => self.cursor = 0,
            KeyCode::End => self.cursor = self.text.len(),
            _ => return false,
        }
        true
    }

    /// The text split at the cursor, for drawing it.
    pub fn split(&self) -> (&str, &str) {
        self.text.split_at(self.cursor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn edits_at_the_cursor_on_char_boundaries() {
        let mut e = LineEditor::new("hé");
        assert!(e.key(k(KeyCode::Left)));
        e.key(k(KeyCode::Char('x')));
        assert_eq!(e.text, "hxé");
        e.key(k(KeyCode::End));
        e.key(k(KeyCode::Backspace));
        assert_eq!(e.text, "hx");
        e.key(k(KeyCode::Home));
        e.key(k(KeyCode::Delete));
        assert_eq!(e.text, "x");
        e.key(KeyEvent::new(KeyCode::Char('e'), KeyModifiers::CONTROL));
        e.insert_str("a\r\nb");
        assert_eq!(e.text, "xab");
        e.key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
        assert_eq!(e.text, "");
        assert!(!e.key(k(KeyCode::F(2))));
        e.key(k(KeyCode::Backspace));
        e.key(k(KeyCode::Left));
        assert_eq!(e.cursor, 0);
    }

    #[test]
    fn ctrl_w_deletes_a_path_segment() {
        let mut e = LineEditor::new("http://h/a/bcd");
        e.key(KeyEvent::new(KeyCode::Char('w'), KeyModifiers::CONTROL));
        assert_eq!(e.text, "http://h/a/");
    }
}
