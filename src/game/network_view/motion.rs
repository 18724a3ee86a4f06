//! Easing: entities glide to their places, new ones grow in, removed ones fade out, and changed
//! ones pulse. Nothing teleports.

use bevy::prelude::*;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        Update,
        (glide, appear, vanish, pulse, start_pulses).in_set(super::ViewSet::Shape),
    );
}

/// Where the entity is heading (world position); it eases there.
#[derive(Component, Debug, Clone, Copy)]
pub struct Motion {
    pub target: Vec2,
}

/// Grows in from small over [`Appear::DURATION`].
#[derive(Component, Debug, Clone, Copy, Default)]
pub struct Appear {
    pub elapsed: f32,
}

impl Appear {
    pub const DURATION: f32 = 0.3;
}

/// Shrinks and fades, then is despawned.
#[derive(Component, Debug, Clone, Copy, Default)]
pub struct Vanish {
    pub elapsed: f32,
}

impl Vanish {
    pub const DURATION: f32 = 0.25;
}

/// A short bump in size that says "this changed".
#[derive(Component, Debug, Clone, Copy, Default)]
pub struct Pulse {
    pub elapsed: f32,
}

impl Pulse {
    pub const DURATION: f32 = 0.35;
}

fn ease_out(t: f32) -> f32 {
    let t = t.clamp(0.0, 1.0);
    1.0 - (1.0 - t) * (1.0 - t) * (1.0 - t)
}

fn glide(time: Res<Time>, mut moving: Query<(&Motion, &mut Transform)>) {
    // Exponential approach: frame-rate independent, about 90 % of the way in 0.25 s.
    let k = 1.0 - (-9.0 * time.delta_secs()).exp();
    for (motion, mut transform) in &mut moving {
        let current = transform.translation.truncate();
        let delta = motion.target - current;
        let next = if delta.length() < 0.25 {
            motion.target
        } else {
            current + delta * k
        };
        transform.translation.x = next.x;
        transform.translation.y = next.y;
    }
}

fn appear(
    time: Res<Time>,
    mut commands: Commands,
    mut growing: Query<(Entity, &mut Appear, &mut Transform), Without<Vanish>>,
) {
    for (entity, mut appear, mut transform) in &mut growing {
        appear.elapsed += time.delta_secs();
        let t = appear.elapsed / Appear::DURATION;
        transform.scale = Vec3::splat(0.2 + 0.8 * ease_out(t));
        if t >= 1.0 {
            transform.scale = Vec3::ONE;
            commands.entity(entity).remove::<Appear>();
        }
    }
}

fn vanish(
    time: Res<Time>,
    mut commands: Commands,
    mut fading: Query<(Entity, &mut Vanish, &mut Transform, Option<&mut Sprite>)>,
) {
    for (entity, mut vanish, mut transform, sprite) in &mut fading {
        vanish.elapsed += time.delta_secs();
        let t = (vanish.elapsed / Vanish::DURATION).clamp(0.0, 1.0);
        transform.scale = Vec3::splat(1.0 - 0.7 * t);
        if let Some(mut sprite) = sprite {
            sprite.color = sprite.color.with_alpha(1.0 - t);
        }
        if t >= 1.0 {
            commands.entity(entity).despawn();
        }
    }
}

fn pulse(
    time: Res<Time>,
    mut commands: Commands,
    mut pulsing: Query<(Entity, &mut Pulse, &mut Transform), (Without<Appear>, Without<Vanish>)>,
) {
    for (entity, mut pulse, mut transform) in &mut pulsing {
        pulse.elapsed += time.delta_secs();
        let t = pulse.elapsed / Pulse::DURATION;
        let bump = (t.clamp(0.0, 1.0) * std::f32::consts::PI).sin() * 0.18;
        transform.scale = Vec3::splat(1.0 + bump);
        if t >= 1.0 {
            transform.scale = Vec3::ONE;
            commands.entity(entity).remove::<Pulse>();
        }
    }
}

/// Every neuron of a view asked to pulse (after a reset, a regeneration or an edit) does.
fn start_pulses(
    mut requests: MessageReader<super::ViewPulse>,
    mut commands: Commands,
    neurons: Query<(Entity, &super::InView), (With<super::Neuron>, Without<Vanish>)>,
) {
    let views: Vec<Entity> = requests.read().map(|r| r.view).collect();
    if views.is_empty() {
        return;
    }
    for (entity, in_view) in &neurons {
        if views.contains(&in_view.0) {
            commands.entity(entity).insert(Pulse::default());
        }
    }
}
