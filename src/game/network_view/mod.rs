//! A network on screen, placeable several times: a view root entity names the network it shows
//! ([`NetworkView`]) and where ([`ViewRect`]); under it hang one entity per input, neuron and
//! edge, mirrored from that network every frame, with their heatmaps, layout, hover and drag
//! state, all held by the root.
//!
//! The view never touches a simulation: its owner (a mode) writes the network into the root's
//! [`NetworkView`] when it changes, and hears what the player asks through [`ViewEdit`]
//! messages; it tells the view how node keys moved with [`ViewKeysShifted`].

pub mod drag;
pub mod drop_plan;
pub mod edge_material;
pub mod edges;
pub mod editing;
pub mod editor_ui;
pub mod heatmaps;
pub mod hover;
pub mod labels;
pub mod layout;
pub mod motion;
pub mod neurons;
pub mod overlay;
pub mod tray;

use bevy::prelude::*;

use crate::data::Feature;
use crate::experiment::{Edit, EditRules, KeyShift, Limits};
use crate::game::camera::ScreenSpace;
use crate::nn::Network;
pub use crate::nn::NodeKey;

pub(super) fn plugin(app: &mut App) {
    app.add_message::<ViewEdit>()
        .add_message::<ViewKeysShifted>()
        .add_message::<ViewPulse>()
        .configure_sets(
            Update,
            (
                ViewSet::Sync,
                ViewSet::Shape,
                ViewSet::Paint,
                ViewSet::Interact,
            )
                .chain(),
        )
        .add_systems(Update, place_views.before(ViewSet::Sync));
    app.add_plugins((
        neurons::plugin,
        edges::plugin,
        heatmaps::plugin,
        hover::plugin,
        motion::plugin,
        tray::plugin,
        drag::plugin,
        editing::plugin,
        overlay::plugin,
    ));
}

/// The order of a view's work within a frame. Owners write their network before `Sync`.
#[derive(SystemSet, Debug, Clone, PartialEq, Eq, Hash)]
pub enum ViewSet {
    /// Neuron entities follow the network.
    Sync,
    /// Edges and the building pieces follow the neurons.
    Shape,
    /// Heatmaps and colours follow the weights.
    Paint,
    /// Hover and clicks.
    Interact,
}

/// What a view shows, written by its owner. The view redraws heatmaps when `weights_version`
/// changes and lays itself out again when `shape_version` changes.
#[derive(Component, Debug, Clone)]
pub struct NetworkView {
    pub network: Network,
    /// How big the network may grow (for the verdicts shown while dragging).
    pub limits: Limits,
    pub rules: EditRules,
    pub shape_version: u64,
    pub weights_version: u64,
    /// Training blew up: everything turns grey.
    pub diverged: bool,
    /// Greyed out for now (the network that waits its turn in the GAN's slow motion).
    pub dimmed: bool,
    /// Show only the predicted class in the output heatmaps (the Playground's "discretize").
    pub discretize: bool,
    /// Epochs per second while training (0 when idle): the dashes flow faster.
    pub training_rate: f32,
    pub options: ViewOptions,
}

impl NetworkView {
    pub fn new(network: Network, options: ViewOptions) -> Self {
        Self {
            network,
            limits: Limits::default(),
            rules: EditRules::default(),
            shape_version: 0,
            weights_version: 0,
            diverged: false,
            dimmed: false,
            discretize: false,
            training_rate: 0.0,
            options,
        }
    }

    /// Why an edit would be refused, or `None`: the core's rules, asked with this view's data.
    pub fn refusal(&self, edit: &Edit) -> Option<String> {
        if !self.options.editable {
            return Some("This network cannot be changed by hand here.".into());
        }
        self.rules.refusal(&self.network, self.limits, edit)
    }

    /// Whether the network has several classes (one output per class).
    pub fn classes(&self) -> usize {
        match self.network.outputs() {
            1 => 2,
            k => k,
        }
    }
}

/// How a view looks and what it lets the player do.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ViewOptions {
    /// The player builds the network by hand: feature palette, parts tray, handles, editors.
    pub editable: bool,
    /// Each neuron shows its heatmap (else a plain square coloured by its bias).
    pub heatmaps: bool,
    /// Side of the large heatmap of the output (or the hovered node), e.g. 100.
    pub output_grid: usize,
    /// Neuron size relative to the standard one (small views draw smaller neurons).
    pub scale: f32,
    /// The square the heatmaps cover: [lo, hi] on both inputs (the Playground's plane is
    /// [-6, 6]; the GAN's networks work in the unit square).
    pub domain: (f64, f64),
    /// What the inputs are called on screen, in input order (else the features' names).
    pub input_labels: Option<&'static [&'static str]>,
    /// The output is a probability that a point is real (a GAN's discriminator): painted on the
    /// realness scale (purple, grey, green) instead of the Playground's.
    pub realness_output: bool,
}

impl Default for ViewOptions {
    fn default() -> Self {
        Self {
            editable: true,
            heatmaps: true,
            output_grid: heatmaps::OUTPUT_GRID,
            scale: 1.0,
            domain: (-6.0, 6.0),
            input_labels: None,
            realness_output: false,
        }
    }
}

/// Where a view is, in logical window pixels (top-left origin, y down).
#[derive(Component, Debug, Clone, Copy, PartialEq)]
pub struct ViewRect {
    pub min: Vec2,
    pub size: Vec2,
}

impl ViewRect {
    pub fn new(min: Vec2, size: Vec2) -> Self {
        Self {
            min,
            size: size.max(Vec2::new(120.0, 90.0)),
        }
    }

    pub fn center(&self) -> Vec2 {
        self.min + self.size / 2.0
    }

    /// A view-local point (origin at the view's centre, y up) to window coordinates.
    pub fn local_to_window(&self, local: Vec2) -> Vec2 {
        let c = self.center();
        Vec2::new(c.x + local.x, c.y - local.y)
    }

    /// Window coordinates to the view's local coordinates.
    pub fn window_to_local(&self, window: Vec2) -> Vec2 {
        let c = self.center();
        Vec2::new(window.x - c.x, c.y - window.y)
    }

    pub fn contains_window_point(&self, window: Vec2) -> bool {
        let local = window - self.min;
        local.x >= 0.0 && local.y >= 0.0 && local.x <= self.size.x && local.y <= self.size.y
    }
}

/// Which view a piece belongs to (every entity under a view root carries it).
#[derive(Component, Debug, Clone, Copy, PartialEq, Eq)]
pub struct InView(pub Entity);

/// The view that scripts and tests read (a mode's main network).
#[derive(Component, Debug, Default)]
pub struct PrimaryView;

/// The player asks for an edit of a view's network (by drag and drop, the +/- buttons or the
/// weight editor). The view's owner decides.
#[derive(Message, Debug, Clone, PartialEq)]
pub struct ViewEdit {
    pub view: Entity,
    pub edit: Edit,
}

/// The owner tells a view how node keys moved in an edit, so that entities follow their neurons.
#[derive(Message, Debug, Clone, Copy, PartialEq)]
pub struct ViewKeysShifted {
    pub view: Entity,
    pub shift: KeyShift,
}

/// Every neuron of a view pulses (after a reset or an edit).
#[derive(Message, Debug, Clone, Copy, PartialEq)]
pub struct ViewPulse {
    pub view: Entity,
}

/// A node of a network on screen.
#[derive(Component, Debug, Clone, Copy, PartialEq)]
pub struct Neuron {
    pub key: NodeKey,
}

/// A feature in a view's palette, switched on or off by the player.
#[derive(Component, Debug, Clone, Copy, PartialEq)]
pub struct FeatureChip {
    pub feature: Feature,
}

/// A weighted link between two nodes.
#[derive(Component, Debug, Clone, Copy, PartialEq)]
pub struct Edge {
    pub source: NodeKey,
    pub target: NodeKey,
}

/// The edge's source neuron entity (Bevy keeps the reverse list in [`OutgoingEdges`]).
#[derive(Component, Debug)]
#[relationship(relationship_target = OutgoingEdges)]
pub struct EdgeSource(pub Entity);

/// The edges leaving a neuron; despawned with it.
#[derive(Component, Debug, Default)]
#[relationship_target(relationship = EdgeSource, linked_spawn)]
pub struct OutgoingEdges(Vec<Entity>);

/// The edge's target neuron entity.
#[derive(Component, Debug)]
#[relationship(relationship_target = IncomingEdges)]
pub struct EdgeTarget(pub Entity);

/// The edges entering a neuron; despawned with it.
#[derive(Component, Debug, Default)]
#[relationship_target(relationship = EdgeTarget, linked_spawn)]
pub struct IncomingEdges(Vec<Entity>);

/// The entities currently mirroring a view's network, by key, and their layout.
#[derive(Component, Debug, Default)]
pub struct ViewEntities {
    pub neurons: std::collections::HashMap<NodeKey, Entity>,
    pub edges: std::collections::HashMap<(NodeKey, NodeKey), Entity>,
    pub chips: std::collections::HashMap<Feature, Entity>,
    /// The handle above each hidden layer.
    pub grips: std::collections::HashMap<usize, Entity>,
    /// The shape version, shape and view size the entities were laid out for.
    pub synced: Option<(u64, Vec<Feature>, Vec<usize>, Vec2)>,
    pub layout: layout::Layout,
}

/// Everything a view root is made of; its owner adds `DespawnOnExit` (or despawns it) and,
/// for a mode's main view, [`PrimaryView`].
pub fn view_root(view: NetworkView, rect: ViewRect) -> impl Bundle {
    (
        Name::new("Network view"),
        view,
        rect,
        ViewEntities::default(),
        heatmaps::ViewHeatmaps::default(),
        hover::ViewHover::default(),
        drag::ViewDrag::default(),
        Transform::default(),
        Visibility::default(),
    )
}

/// Moves each view root to the centre of its rectangle, so that its pieces can use local
/// coordinates.
fn place_views(space: Res<ScreenSpace>, mut roots: Query<(&ViewRect, &mut Transform)>) {
    for (rect, mut transform) in &mut roots {
        let at = space.window_to_world(rect.center());
        if transform.translation.truncate() != at {
            transform.translation.x = at.x;
            transform.translation.y = at.y;
        }
    }
}

/// Where a view's parts are in window pixels (feature chips, columns, the tray's tiles and
/// bin), for the state that scripts and the browser test read to drag things like a player.
pub fn positions_json(rect: &ViewRect, layout: &layout::Layout) -> serde_json::Value {
    let to_window = |p: Vec2| {
        let w = rect.local_to_window(p);
        serde_json::json!([w.x, w.y])
    };
    let tray = |kind| {
        layout
            .tray
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, p)| to_window(*p))
            .unwrap_or(serde_json::json!([0.0, 0.0]))
    };
    let chips: serde_json::Map<String, serde_json::Value> = layout
        .chips
        .iter()
        .map(|(f, p)| (f.name().to_string(), to_window(*p)))
        .collect();
    serde_json::json!({
        "chips": chips,
        "columns": layout
            .columns
            .iter()
            .map(|x| to_window(Vec2::new(*x, 0.0)))
            .collect::<Vec<_>>(),
        "layer_tile": tray(layout::TrayKind::Layer),
        "neuron_tile": tray(layout::TrayKind::Neuron),
        "bin": to_window(layout.bin.center()),
    })
}
