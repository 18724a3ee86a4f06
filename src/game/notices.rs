//! Short messages for the player: what a change did, or why it was refused. One system shows them
//! on every screen and they age on every screen, so a notice is read where it was made and never
//! pops up later elsewhere. A mode says where its main view's foot is with [`NoticeAnchor`].

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<Notices>()
        .init_resource::<NoticeAnchor>()
        .add_systems(Update, age)
        .add_systems(EguiPrimaryContextPass, show.in_set(ShowNotices));
}

/// The system that draws the notices; a mode's UI runs before it to place its anchor.
#[derive(SystemSet, Debug, Clone, PartialEq, Eq, Hash)]
pub struct ShowNotices;

/// Where the notices stand this frame (window coordinates of their bottom centre): set by the
/// shown mode's UI, else the foot of the window.
#[derive(Resource, Debug, Default, Clone, Copy)]
pub struct NoticeAnchor(pub Option<Vec2>);

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

fn age(mut notices: ResMut<Notices>, time: Res<Time>) {
    notices.tick(time.delta_secs());
}

/// Draws the notices stacked above the anchor.
fn show(
    mut contexts: EguiContexts,
    notices: Res<Notices>,
    mut anchor: ResMut<NoticeAnchor>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    // Taken: a screen that does not place it this frame gets the window's foot.
    let bottom_center = anchor.0.take().unwrap_or_else(|| {
        let screen = ctx.content_rect();
        Vec2::new(screen.center().x, screen.max.y - 16.0)
    });
    if notices.items.is_empty() {
        return Ok(());
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
    Ok(())
}
