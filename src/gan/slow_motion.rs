//! GAN Lab's slow motion: an epoch walked through in ten steps, 1.25 s each (GAN Lab's pace), each
//! lighting up the parts of the model it is about; entering step 5 trains the discriminator's
//! half of the epoch, entering step 10 the generator's. The game shows the steps; the training
//! they do is here, so the epoch is the core's own (tested against `Gan::train_epoch`).

use super::Gan;

/// Which network learns in a step of slow motion (the other one is greyed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Turn {
    Discriminator,
    Generator,
}

/// A part of the model graph that a step of slow motion lights up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Noise,
    Generator,
    Samples,
    Discriminator,
    Predictions,
    DiscriminatorLoss,
    GeneratorLoss,
    DiscriminatorUpdate,
    GeneratorUpdate,
}

/// One of the ten steps of an epoch in slow motion.
pub struct SlowStep {
    pub title: &'static str,
    pub caption: &'static str,
    pub turn: Turn,
    pub parts: &'static [Part],
    /// The gradient arrows are the point of this step.
    pub arrows: bool,
}

/// The ten steps of an epoch, in our own words.
pub const STEPS: [SlowStep; 10] = [
    SlowStep {
        title: "The generator makes fakes",
        caption: "A batch of random noise goes into the generator, which turns each noise vector into a point: the purple fakes.",
        turn: Turn::Discriminator,
        parts: &[Part::Noise, Part::Generator, Part::Samples],
        arrows: false,
    },
    SlowStep {
        title: "The discriminator judges",
        caption: "The discriminator scores real (green) and fake (purple) points: near 1 means \"real\", near 0 \"fake\". The background shows its score everywhere.",
        turn: Turn::Discriminator,
        parts: &[Part::Samples, Part::Discriminator, Part::Predictions],
        arrows: false,
    },
    SlowStep {
        title: "The discriminator's loss",
        caption: "How wrong was it? It wants real points scored near 1 and fakes near 0; every mistake adds to its loss.",
        turn: Turn::Discriminator,
        parts: &[Part::Predictions, Part::DiscriminatorLoss],
        arrows: false,
    },
    SlowStep {
        title: "The discriminator's gradients",
        caption: "For every weight of the discriminator, backpropagation finds which way would lower its loss.",
        turn: Turn::Discriminator,
        parts: &[Part::DiscriminatorLoss, Part::DiscriminatorUpdate],
        arrows: false,
    },
    SlowStep {
        title: "The discriminator learns",
        caption: "Its weights take a small step downhill (the learning rate sets how far), k_D times. The generator's weights do not move: it is greyed.",
        turn: Turn::Discriminator,
        parts: &[Part::DiscriminatorUpdate, Part::Discriminator],
        arrows: false,
    },
    SlowStep {
        title: "New fakes",
        caption: "Now the generator's turn: it turns a fresh batch of noise into fakes.",
        turn: Turn::Generator,
        parts: &[Part::Noise, Part::Generator, Part::Samples],
        arrows: false,
    },
    SlowStep {
        title: "The discriminator scores the fakes",
        caption: "Only the fakes are scored this time: the generator is judged on how real its points look.",
        turn: Turn::Generator,
        parts: &[Part::Samples, Part::Discriminator, Part::Predictions],
        arrows: false,
    },
    SlowStep {
        title: "The generator's loss",
        caption: "The generator wants its fakes called real: the lower their scores, the higher its loss.",
        turn: Turn::Generator,
        parts: &[Part::Predictions, Part::GeneratorLoss],
        arrows: false,
    },
    SlowStep {
        title: "The generator's gradients",
        caption: "The gradient flows back through the discriminator to each fake point (the arrows: where it would look more real) and on into the generator's weights.",
        turn: Turn::Generator,
        parts: &[
            Part::GeneratorLoss,
            Part::Discriminator,
            Part::GeneratorUpdate,
        ],
        arrows: true,
    },
    SlowStep {
        title: "The generator learns",
        caption: "Its weights step so that the fakes move along the arrows, k_G times. The discriminator does not change now. One epoch done.",
        turn: Turn::Generator,
        parts: &[Part::GeneratorUpdate, Part::Generator],
        arrows: true,
    },
];

/// Each step of slow motion lasts this long (GAN Lab's pace).
pub const STEP_SECONDS: f32 = 1.25;

/// Walking through an epoch step by step.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SlowMotion {
    /// 0 to 9, an index into [`STEPS`].
    pub step: usize,
    pub elapsed: f32,
    /// The discriminator's half of this epoch has been trained (step 5 reached).
    pub discriminator_done: bool,
}

/// What entering a step did to the networks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trained {
    Nothing,
    /// The discriminator's half of the epoch (step 5).
    DiscriminatorHalf,
    /// The generator's half: the epoch is complete (step 10).
    WholeEpoch,
}

impl SlowMotion {
    pub fn start() -> Self {
        Self {
            step: 0,
            elapsed: 0.0,
            discriminator_done: false,
        }
    }

    pub fn current(&self) -> &'static SlowStep {
        &STEPS[self.step]
    }

    /// Whether the current step's time is up (then [`SlowMotion::enter_next`]).
    pub fn due(&self) -> bool {
        self.elapsed >= STEP_SECONDS
    }

    /// Enters the next step (its time starts) and trains what it calls for.
    pub fn enter_next(&mut self, gan: &mut Gan) -> Trained {
        self.elapsed = (self.elapsed - STEP_SECONDS).max(0.0);
        self.step = (self.step + 1) % STEPS.len();
        match self.step {
            4 => {
                gan.train_discriminator_half();
                self.discriminator_done = true;
                Trained::DiscriminatorHalf
            }
            9 => {
                gan.finish_epoch_with_generator(true);
                self.discriminator_done = false;
                Trained::WholeEpoch
            }
            _ => Trained::Nothing,
        }
    }

    /// Completes an epoch left half done (slow motion stopped or changed between its halves), so
    /// that every epoch has both; back to the first step. True when it had to.
    pub fn finish_half_epoch(&mut self, gan: &mut Gan) -> bool {
        if !self.discriminator_done {
            return false;
        }
        *self = Self::start();
        gan.finish_epoch_with_generator(true);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gan::GanSettings;

    fn same(a: &Gan, b: &Gan) -> bool {
        crate::gan::file::model_to_json(a) == crate::gan::file::model_to_json(b)
    }

    #[test]
    fn ten_steps_train_exactly_one_epoch_and_a_half_is_finished() {
        let mut stepped = Gan::new(GanSettings::default()).unwrap();
        let mut trained = Gan::new(GanSettings::default()).unwrap();
        let mut slow = SlowMotion::start();
        let mut effects = Vec::new();
        for _ in 0..STEPS.len() {
            slow.elapsed += STEP_SECONDS;
            assert!(slow.due());
            effects.push(slow.enter_next(&mut stepped));
            assert!(!slow.due());
        }
        assert_eq!(
            effects
                .iter()
                .filter(|e| **e != Trained::Nothing)
                .collect::<Vec<_>>(),
            [&Trained::DiscriminatorHalf, &Trained::WholeEpoch]
        );
        trained.train_epoch(true);
        assert_eq!(stepped.epoch(), 1);
        assert!(
            same(&stepped, &trained),
            "ten steps are one epoch, bit for bit"
        );

        // Stopped after the discriminator's half: finishing it gives the next whole epoch.
        for _ in 0..5 {
            slow.elapsed += STEP_SECONDS;
            slow.enter_next(&mut stepped);
        }
        assert!(slow.discriminator_done);
        assert!(slow.finish_half_epoch(&mut stepped));
        assert!(!slow.finish_half_epoch(&mut stepped), "only once");
        assert_eq!(slow, SlowMotion::start());
        trained.train_epoch(true);
        assert!(same(&stepped, &trained));
    }
}
