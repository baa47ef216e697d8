//! Exchanges a captured program made (`wirescope capture -- CMD` in the
//! TUI), arriving whole from the capture proxy: each becomes an entry of
//! the session like any other (every pane, history, HAR), grouped under
//! the program's connection it came on, so a program that opens a
//! connection per request shows as that many groups of one (part of
//! `update`: state changes only).

use std::time::Instant;

use super::app::App;
use super::entry::Entry;
use super::group::{Group, GroupKind, GroupTag};
use crate::wire::Exchange;
use crate::worker::{CapturedClient, Command};

pub(super) fn on_captured(
    app: &mut App,
    exchange: Box<Exchange>,
    client: CapturedClient,
) -> Vec<Command> {
    let id = app.next_id;
    app.next_id += 1;
    let existing = app.groups.iter().find(|g| {
        matches!(g.kind, GroupKind::Captured { connection, .. } if connection == client.connection)
    });
    let (group, index) = match existing {
        Some(g) => (g.id, app.members(g.id).count()),
        None => {
            app.groups.push(Group {
                id,
                title: format!("program connection #{}", client.connection),
                kind: GroupKind::Captured {
                    connection: client.connection,
                    tls: client.tls.clone(),
                },
                running: false,
                cancelled: false,
                waiting: None,
            });
            (id, 0)
        }
    };
    let mut e = Entry::new(id, &exchange.method, &exchange.url, Instant::now());
    e.meta.group = Some(GroupTag {
        group,
        part: 0,
        index,
    });
    e.finish(exchange, app.decode);
    // The list follows the newest exchange unless the user chose one.
    let follow = app.selected.is_none_or(|s| s + 1 == app.entries.len());
    app.entries.push(e);
    if follow {
        app.selected = Some(app.entries.len() - 1);
    }
    super::actions::after_done(app, id)
}
