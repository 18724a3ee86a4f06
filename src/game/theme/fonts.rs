//! The interface's fonts: Ubuntu Light for all text, plus three tiny subsets for the few symbols
//! the interface uses (play, pause, stars, arrows, the slow-motion turtle). egui's default set
//! would add Hack, Noto Emoji and an icon font in full, about 1 MB of the web download for a
//! dozen glyphs. The subsets are made from those same fonts, and Ubuntu Light is egui's own with
//! every glyph but without its hinting instructions (135 KB instead of 362 KB; egui hints it
//! with skrifa's autohinter instead). See `assets/fonts/README.md`.

use bevy::prelude::*;
use bevy_egui::{EguiContext, EguiPreUpdateSet, egui};
use std::sync::Arc;

pub(super) fn plugin(app: &mut App) {
    // Before the first pass begins: egui panics on text in a family bound to no font, and fonts
    // set later only take effect in the next pass.
    app.add_systems(
        PreUpdate,
        install_fonts
            .after(EguiPreUpdateSet::InitContexts)
            .before(EguiPreUpdateSet::BeginPass),
    );
}

/// Every glyph of Ubuntu Light (Ubuntu Font Licence), without hinting instructions.
const TEXT: &[u8] = include_bytes!("../../../assets/fonts/ubuntu-light.ttf");
/// The glyphs of ☆ ★ ⟲ ▶ ⏸ 🎲 ✏ ⏵ ⏭ ↻ from the emoji icon font (MIT).
const ICONS: &[u8] = include_bytes!("../../../assets/fonts/icons.ttf");
/// 🐢 from Noto Emoji (SIL Open Font License).
const EMOJI: &[u8] = include_bytes!("../../../assets/fonts/emoji.ttf");
/// ← ↑ → ↓ from Hack (MIT), which Ubuntu Light lacks.
const ARROWS: &[u8] = include_bytes!("../../../assets/fonts/arrows.ttf");

/// The font set: one text face, then the symbol subsets as fallbacks, for both families.
pub fn definitions() -> egui::FontDefinitions {
    let mut fonts = egui::FontDefinitions::empty();
    let faces: [(&str, egui::FontData); 4] = [
        ("ubuntu-light", egui::FontData::from_static(TEXT)),
        ("arrows", egui::FontData::from_static(ARROWS)),
        (
            "icons",
            // As egui's default set scales this font, so symbols sit on the line like letters.
            egui::FontData::from_static(ICONS).tweak(egui::FontTweak {
                scale: 0.90,
                ..Default::default()
            }),
        ),
        (
            "emoji",
            egui::FontData::from_static(EMOJI).tweak(egui::FontTweak {
                scale: 0.81,
                ..Default::default()
            }),
        ),
    ];
    let names: Vec<String> = faces.iter().map(|(name, _)| name.to_string()).collect();
    for (name, data) in faces {
        fonts.font_data.insert(name.to_owned(), Arc::new(data));
    }
    for family in [egui::FontFamily::Proportional, egui::FontFamily::Monospace] {
        fonts.families.insert(family, names.clone());
    }
    fonts
}

fn install_fonts(mut contexts: Query<&mut EguiContext, Added<EguiContext>>) {
    for mut context in &mut contexts {
        context.get_mut().set_fonts(definitions());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every non-ASCII character in the game's sources and level files (the texts it shows) has
    /// a glyph in the embedded fonts: nothing is drawn as an empty box.
    #[test]
    fn every_symbol_the_game_writes_has_a_glyph() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut used = std::collections::BTreeSet::new();
        let mut stack = vec![root.join("src"), root.join("levels")];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).expect("a source folder") {
                let path = entry.expect("a folder entry").path();
                if path.is_dir() {
                    stack.push(path);
                } else if matches!(
                    path.extension().and_then(|e| e.to_str()),
                    Some("rs" | "ron")
                ) {
                    let text = std::fs::read_to_string(&path).expect("a text file");
                    used.extend(text.chars().filter(|c| !c.is_ascii()));
                }
            }
        }
        assert!(used.contains(&'▶'), "the scan found the play symbol");
        // Each face's own character map (egui's `has_glyph` calls every character of its
        // replacement face, here Ubuntu Light, missing).
        use skrifa::MetadataProvider;
        let faces = definitions();
        let charmaps: Vec<_> = faces
            .font_data
            .values()
            .map(|data| skrifa::FontRef::new(&data.font).expect("a font file"))
            .collect();
        let missing: String = used
            .iter()
            .copied()
            .filter(|&c| !charmaps.iter().any(|f| f.charmap().map(c).is_some()))
            .collect();
        assert!(missing.is_empty(), "no glyph for: {missing}");
    }
}
