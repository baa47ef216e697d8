//! What the keys do with the open `.http` file: move in the Collection
//! pane, load a request into the Request pane (asking once before unsaved
//! edits are dropped), write it back, choose the environment. Part of
//! `update`: state changes only (the write back is the one file it
//! touches, atomically).

use super::chooser::{Chooser, ChooserKind};
use super::collection::{self, Collection};
use super::load;
use crate::tui::app::{App, PaneId};

const NO_FILE: &str = "no .http file is open (start with: wirescope FILE.http)";

/// Opens `c` in the app: the Collection pane lists its requests, the
/// first one is loaded.
pub fn open(app: &mut App, c: Collection) {
    let first = c.requests().into_iter().next();
    let env_error = c.env_error.clone();
    app.workflow.collection = Some(c);
    if let Some(e) = first {
        load::entry(app, &e);
        if let Some(c) = &mut app.workflow.collection {
            c.loaded = Some(0);
        }
    }
    app.focus = PaneId::Collection;
    if let Some(e) = env_error {
        app.notice = Some(format!("environments not loaded: {e}"));
    }
}

/// j/k and friends in the Collection pane.
pub fn move_by(app: &mut App, delta: isize) {
    if let Some(c) = &mut app.workflow.collection {
        let last = c.requests().len().saturating_sub(1) as isize;
        c.cursor = (c.cursor as isize)
            .saturating_add(delta)
            .clamp(0, last.max(0)) as usize;
    }
}

/// Enter in the Collection pane.
pub fn load_picked(app: &mut App) {
    let Some(c) = &mut app.workflow.collection else {
        app.notice = Some(NO_FILE.into());
        return;
    };
    let i = c.cursor;
    let Some(e) = c.requests().into_iter().nth(i) else {
        app.notice = Some(format!("{} has no requests", c.name()));
        return;
    };
    if c.is_dirty(&app.form) && c.confirm != Some(i) {
        c.confirm = Some(i);
        let loaded = c.loaded.map(|l| c.label(l)).unwrap_or_default();
        app.notice = Some(if c.loaded == Some(i) {
            format!("{loaded} has unsaved edits: W writes them to the file; Enter again reverts to the file's version")
        } else {
            format!(
                "{loaded} has unsaved edits: W writes them to the file; Enter again loads {} without them",
                collection::label(&e)
            )
        });
        return;
    }
    c.confirm = None;
    c.loaded = Some(i);
    let env = c.env.as_ref().map_or_else(
        || "no environment".to_string(),
        |e| format!("environment {e}"),
    );
    load::entry(app, &e);
    app.notice = Some(format!(
        "loaded {} ({env}) — F5 sends it, W writes edits back",
        collection::label(&e)
    ));
}

/// `W`: the Request pane's request back into the file.
pub fn save(app: &mut App) {
    let Some(c) = &mut app.workflow.collection else {
        app.notice = Some(NO_FILE.into());
        return;
    };
    c.confirm = None;
    app.notice = Some(match c.save(&app.form) {
        Ok(m) | Err(m) => m,
    });
}

/// `E`: the environment chooser.
pub fn choose_env(app: &mut App) {
    let Some(c) = &app.workflow.collection else {
        app.notice = Some(NO_FILE.into());
        return;
    };
    if c.envs.envs.is_empty() {
        app.notice = Some(match &c.env_error {
            Some(e) => format!("environments not loaded: {e}"),
            None => format!(
                "no environments: put {} (or {}) beside {}",
                crate::formats::env::ENV_FILE,
                crate::formats::env::PRIVATE_ENV_FILE,
                c.name()
            ),
        });
        return;
    }
    let mut items = vec![(
        "(none)".to_string(),
        format!(
            "{} variables from .env and $shared",
            c.envs.dotenv.len() + c.envs.shared.len()
        ),
    )];
    items.extend(c.envs.envs.iter().map(|e| {
        (
            e.name.clone(),
            format!(
                "{} variable{}",
                e.vars.len(),
                if e.vars.len() == 1 { "" } else { "s" }
            ),
        )
    }));
    let at = c
        .env
        .as_ref()
        .and_then(|name| c.envs.envs.iter().position(|e| &e.name == name))
        .map_or(0, |i| i + 1);
    app.workflow.chooser = Some(Chooser::new(ChooserKind::Env, items, at));
}

/// Enter in the environment chooser.
pub fn pick_env(app: &mut App, row: usize) {
    let Some(c) = &mut app.workflow.collection else {
        return;
    };
    let name = row
        .checked_sub(1)
        .and_then(|i| c.envs.envs.get(i))
        .map(|e| e.name.clone());
    app.notice = Some(match c.set_env(name.as_deref()) {
        Ok(()) => match name {
            Some(n) => format!("environment {n}: {{{{var}}}} resolve from it when sent"),
            None => "no environment: {{var}} resolve from the file, .env and the process".into(),
        },
        Err(e) => e,
    });
}

/// A click on row `row` (inside the border) of the Collection pane drawn
/// in `area`: the environment line opens the chooser, a request loads.
pub fn click(app: &mut App, area: ratatui::layout::Rect, row: usize) {
    if row == 0 {
        return choose_env(app);
    }
    let (first, list_h) = crate::tui::panes::collection::window(app, area);
    let count = app
        .workflow
        .collection
        .as_ref()
        .map_or(0, |c| c.requests().len());
    let at = first + row - 1;
    if row <= list_h && at < count {
        if let Some(c) = &mut app.workflow.collection {
            c.cursor = at;
        }
        load_picked(app);
    }
}
