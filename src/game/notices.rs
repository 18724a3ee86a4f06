//! Short messages for the player: what a change did, or why it was refused; any mode shows them
//! with [`show`].

use bevy::prelude::*;
use bevy_egui::egui;

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<Notices>();
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeKind {
    Info,
    Refused,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub text: String,
    pub kind: NoticeKind,
    /// Seconds the notice has been on screen (advanced by the UI).
    pub age: f32,
}

/// The notices waiting to be read, newest last.
#[derive(Resource, Debug, Default)]
pub struct Notices {
    pub items: Vec<Notice>,
}

impl Notices {
    /// How long a notice stays on screen.
    pub const LIFETIME: f32 = 4.5;

    pub fn info(&mut self, text: impl Into<String>) {
        self.push(text.into(), NoticeKind::Info);
    }

    /// A change that was not made, and why.
    pub fn refused(&mut self, text: impl Into<String>) {
        self.push(text.into(), NoticeKind::Refused);
    }

    fn push(&mut self, text: String, kind: NoticeKind) {
        // A message quotes at most a little of a bad value (a file may hold megabytes of one).
        let text = crate::limits::tidy_message(&text);
        // The same message twice in a row is shown once, fresh.
        self.items.retain(|n| n.text != text);
        self.items.push(Notice {
            text,
            kind,
            age: 0.0,
        });
        if self.items.len() > 4 {
            self.items.remove(0);
        }
    }

    /// The newest refusal, if any is still on screen.
    pub fn last_refusal(&self) -> Option<&str> {
        self.items
            .iter()
            .rev()
            .find(|n| n.kind == NoticeKind::Refused)
            .map(|n| n.text.as_str())
    }

    /// Ages the notices and drops the expired ones.
    pub fn tick(&mut self, seconds: f32) {
        for n in &mut self.items {
            n.age += seconds;
        }
        self.items.retain(|n| n.age < Self::LIFETIME);
    }
}

/// Draws the notices stacked above `bottom_center` (window coordinates), ageing them by `dt`.
pub fn show(ctx: &egui::Context, notices: &mut Notices, bottom_center: Vec2, dt: f32) {
    notices.tick(dt);
    if notices.items.is_empty() {
        return;
    }
    egui::Area::new("notices".into())
        .fixed_pos(egui::pos2(bottom_center.x, bottom_center.y))
        .pivot(egui::Align2::CENTER_BOTTOM)
        .order(egui::Order::Foreground)
        .interactable(false)
        .show(ctx, |ui| {
            for notice in &notices.items {
                let (fill, ink) = match notice.kind {
                    NoticeKind::Info => (
                        egui::Color32::from_rgb(235, 242, 250),
                        egui::Color32::from_rgb(20, 60, 110),
                    ),
                    NoticeKind::Refused => (
                        egui::Color32::from_rgb(253, 236, 234),
                        egui::Color32::from_rgb(150, 30, 20),
                    ),
                };
                egui::Frame::new()
                    .fill(fill)
                    .corner_radius(4)
                    .inner_margin(egui::Margin::symmetric(10, 6))
                    .show(ui, |ui| {
                        ui.label(egui::RichText::new(&notice.text).color(ink));
                    });
            }
        });
}
