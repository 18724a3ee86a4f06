//! What dropping a dragged piece at a point would do: the action, whether it is allowed (and if
//! not, why), and the zone to highlight. Pure geometry and rules, so it is tested without a
//! window; the drag plugin shows it while dragging and carries it out on release.

use bevy::prelude::*;

use super::NetworkView;
use super::layout::{COLUMN_HALF_WIDTH, Layout};
use crate::data::Feature;
use crate::experiment::Edit;

/// What is being dragged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Payload {
    /// A feature chip from the palette.
    NewFeature(Feature),
    /// An input neuron already in the network.
    Input(Feature),
    /// The "hidden layer" tile of the tray.
    NewLayer,
    /// The "neuron" tile of the tray.
    NewNeuron,
    /// A hidden neuron already in the network.
    Neuron { layer: usize, index: usize },
    /// A hidden layer, by its handle.
    Layer(usize),
}

/// The outcome shown while dragging.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// Dropping here does this.
    Accept(String),
    /// Dropping here is refused, for this reason.
    Refuse(String),
    /// Dropping here does nothing (with a hint, possibly empty).
    Nothing(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct DropPlan {
    /// What a drop here would do (set for accepted and refused drops).
    pub action: Option<Edit>,
    pub verdict: Verdict,
    /// The zone to highlight, in world coordinates.
    pub zone: Option<Rect>,
}

impl DropPlan {
    fn nothing(hint: &str) -> Self {
        Self {
            action: None,
            verdict: Verdict::Nothing(hint.to_string()),
            zone: None,
        }
    }

    /// The action to carry out on release, if the drop is accepted.
    #[cfg(test)]
    pub fn accepted_action(&self) -> Option<&Edit> {
        match self.verdict {
            Verdict::Accept(_) => self.action.as_ref(),
            _ => None,
        }
    }
}

/// Decides what dropping `payload` at world point `at` would do.
pub fn plan_drop(payload: Payload, at: Vec2, layout: &Layout, view: &NetworkView) -> DropPlan {
    if layout.columns.len() < 2 {
        return DropPlan::nothing("");
    }
    let place = Place {
        at,
        layout,
        view,
        outside: !layout.band.contains(at) || layout.bin.contains(at),
        input_x: layout.columns[0],
        output_x: *layout.columns.last().unwrap_or(&0.0),
        hidden_x: &layout.columns[1..layout.columns.len() - 1],
    };
    match payload {
        Payload::NewFeature(f) => place.new_feature(f),
        Payload::NewLayer => place.new_layer(),
        Payload::NewNeuron => place.new_neuron(),
        Payload::Input(f) => place.removal(
            Edit::RemoveFeature(f),
            format!("Drop to remove the input {}", f.label()),
            "Drag it out of the network to remove it",
        ),
        Payload::Neuron { layer, index } => place.removal(
            Edit::RemoveNeuron { layer, index },
            format!("Drop to remove this neuron of hidden layer {}", layer + 1),
            "Drag it out of the network to remove it",
        ),
        Payload::Layer(layer) => place.removal(
            Edit::RemoveLayer { layer },
            format!("Drop to remove hidden layer {}", layer + 1),
            "Drag it out of the network to remove the layer",
        ),
    }
}

/// Where a drop would land: the pointer, the columns, and whether it is off the network (over
/// the bin, or outside the band).
struct Place<'a> {
    at: Vec2,
    layout: &'a Layout,
    view: &'a NetworkView,
    outside: bool,
    input_x: f32,
    output_x: f32,
    hidden_x: &'a [f32],
}

impl Place<'_> {
    /// The drop zone of a column.
    fn column_zone(&self, x: f32) -> Rect {
        Rect::new(
            x - COLUMN_HALF_WIDTH,
            self.layout.band.min.y,
            x + COLUMN_HALF_WIDTH,
            self.layout.top + 4.0,
        )
    }

    fn on_column(&self, x: f32) -> bool {
        (self.at.x - x).abs() <= COLUMN_HALF_WIDTH && !self.outside
    }

    /// The edit offered, accepted or refused as the view's rules say.
    fn offer(&self, action: Edit, zone: Rect, what: String) -> DropPlan {
        let verdict = match self.view.refusal(&action) {
            Some(reason) => Verdict::Refuse(reason),
            None => Verdict::Accept(what),
        };
        DropPlan {
            action: Some(action),
            verdict,
            zone: Some(zone),
        }
    }

    /// Something of the network dragged off it is removed; inside, `stay` says how.
    fn removal(&self, action: Edit, what: String, stay: &str) -> DropPlan {
        if self.outside {
            self.offer(action, self.layout.bin, what)
        } else {
            DropPlan::nothing(stay)
        }
    }

    fn new_feature(&self, f: Feature) -> DropPlan {
        if self.on_column(self.input_x) {
            self.offer(
                Edit::AddFeature(f),
                self.column_zone(self.input_x),
                format!("Drop to add {} as an input", f.label()),
            )
        } else if self.outside {
            DropPlan::nothing("")
        } else {
            DropPlan::nothing("Drop it on the input column")
        }
    }

    fn new_layer(&self) -> DropPlan {
        let at = self.at;
        if self.outside || at.x <= self.input_x || at.x >= self.output_x {
            return DropPlan::nothing(if self.outside {
                ""
            } else {
                "Drop it between two columns"
            });
        }
        // Insert after every hidden column left of the pointer.
        let at_index = self.hidden_x.iter().filter(|&&x| x < at.x).count();
        let left = self.layout.columns[at_index];
        let right = self.layout.columns[at_index + 1];
        let zone = Rect::new(
            left + 24.0,
            self.layout.band.min.y,
            right - 24.0,
            self.layout.top + 4.0,
        );
        self.offer(
            Edit::InsertLayer { at: at_index },
            zone,
            format!("Drop to insert a hidden layer as layer {}", at_index + 1),
        )
    }

    fn new_neuron(&self) -> DropPlan {
        let refuse = |why: &str, x: f32| DropPlan {
            action: None,
            verdict: Verdict::Refuse(why.into()),
            zone: Some(self.column_zone(x)),
        };
        if let Some(layer) = self.hidden_x.iter().position(|&x| self.on_column(x)) {
            self.offer(
                Edit::AddNeuron { layer },
                self.column_zone(self.hidden_x[layer]),
                format!("Drop to add a neuron to hidden layer {}", layer + 1),
            )
        } else if self.on_column(self.input_x) {
            refuse(
                "Inputs are features: drag a feature chip from the left instead.",
                self.input_x,
            )
        } else if self.on_column(self.output_x) {
            refuse(
                "The output has one neuron (one per class with several classes).",
                self.output_x,
            )
        } else if self.outside {
            DropPlan::nothing("")
        } else {
            DropPlan::nothing("Drop it on a hidden layer")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::experiment::{EditRules, Experiment, ExperimentConfig};
    use crate::game::network_view::ViewOptions;

    fn setup(hidden: Vec<usize>) -> (NetworkView, Layout) {
        let e = Experiment::new(ExperimentConfig {
            hidden_layers: hidden,
            ..ExperimentConfig::default()
        })
        .unwrap();
        let view = NetworkView::new(e.network().clone(), ViewOptions::default());
        let layout = Layout::compute(e.network(), Vec2::new(650.0, 700.0), &view.options);
        (view, layout)
    }

    fn with_rules(view: &NetworkView, rules: EditRules) -> NetworkView {
        NetworkView {
            rules,
            ..view.clone()
        }
    }

    #[test]
    fn features_go_on_the_input_column_and_leave_by_the_bin() {
        let (e, layout) = setup(vec![4, 2]);
        let on_inputs = Vec2::new(layout.columns[0], 0.0);
        let plan = plan_drop(Payload::NewFeature(Feature::SinX1), on_inputs, &layout, &e);
        assert_eq!(
            plan.accepted_action(),
            Some(&Edit::AddFeature(Feature::SinX1))
        );
        let plan = plan_drop(Payload::NewFeature(Feature::X1), on_inputs, &layout, &e);
        assert_eq!(
            plan.verdict,
            Verdict::Refuse("X1 is already an input.".into())
        );
        let middle = Vec2::new(layout.columns[1], 0.0);
        let plan = plan_drop(Payload::NewFeature(Feature::SinX1), middle, &layout, &e);
        assert_eq!(
            plan.verdict,
            Verdict::Nothing("Drop it on the input column".into())
        );
        let bin = layout.bin.center();
        let plan = plan_drop(Payload::Input(Feature::X2), bin, &layout, &e);
        assert_eq!(
            plan.accepted_action(),
            Some(&Edit::RemoveFeature(Feature::X2))
        );
        // A level that forbids a feature says so.
        let strict = EditRules {
            allowed_features: vec![Feature::X1, Feature::X2],
            ..EditRules::default()
        };
        let plan = plan_drop(
            Payload::NewFeature(Feature::SinX1),
            on_inputs,
            &layout,
            &with_rules(&e, strict.clone()),
        );
        assert_eq!(
            plan.verdict,
            Verdict::Refuse("sin X1 is not available in this level.".into())
        );
    }

    #[test]
    fn layers_insert_where_dropped_and_neurons_join_layers() {
        let (e, layout) = setup(vec![4, 2]);
        let c = &layout.columns;
        let between = |a: usize| Vec2::new((c[a] + c[a + 1]) / 2.0, 0.0);
        for gap in 0..3 {
            let plan = plan_drop(Payload::NewLayer, between(gap), &layout, &e);
            assert_eq!(plan.accepted_action(), Some(&Edit::InsertLayer { at: gap }));
        }
        let plan = plan_drop(Payload::NewNeuron, Vec2::new(c[2], 10.0), &layout, &e);
        assert_eq!(plan.accepted_action(), Some(&Edit::AddNeuron { layer: 1 }));
        let plan = plan_drop(Payload::NewNeuron, Vec2::new(c[0], 10.0), &layout, &e);
        assert!(matches!(plan.verdict, Verdict::Refuse(r) if r.contains("feature chip")));
        let (full, layout) = setup(vec![8; 6]);
        let c = &layout.columns;
        let plan = plan_drop(
            Payload::NewLayer,
            Vec2::new((c[0] + c[1]) / 2.0, 0.0),
            &layout,
            &full,
        );
        assert_eq!(
            plan.verdict,
            Verdict::Refuse("At most 6 hidden layers.".into())
        );
        let plan = plan_drop(Payload::NewNeuron, Vec2::new(c[3], 0.0), &layout, &full);
        assert_eq!(
            plan.verdict,
            Verdict::Refuse("Hidden layer 3 already has 8 neurons, the most allowed.".into())
        );
    }

    #[test]
    fn neurons_and_layers_leave_by_being_dragged_out() {
        let (e, layout) = setup(vec![3, 1]);
        let outside = layout.bin.center();
        let plan = plan_drop(Payload::Neuron { layer: 0, index: 1 }, outside, &layout, &e);
        assert_eq!(
            plan.accepted_action(),
            Some(&Edit::RemoveNeuron { layer: 0, index: 1 })
        );
        let plan = plan_drop(Payload::Neuron { layer: 1, index: 0 }, outside, &layout, &e);
        assert!(matches!(plan.verdict, Verdict::Refuse(r) if r.contains("at least one neuron")));
        let plan = plan_drop(Payload::Layer(1), outside, &layout, &e);
        assert_eq!(
            plan.accepted_action(),
            Some(&Edit::RemoveLayer { layer: 1 })
        );
        let inside = Vec2::new(layout.columns[1], 0.0);
        let plan = plan_drop(Payload::Layer(1), inside, &layout, &e);
        assert!(plan.accepted_action().is_none());
        let far_left = Vec2::new(layout.palette_x, 0.0);
        let plan = plan_drop(
            Payload::Neuron { layer: 0, index: 0 },
            far_left,
            &layout,
            &e,
        );
        assert!(
            plan.accepted_action().is_some(),
            "the palette strip is outside the network"
        );
    }
}
