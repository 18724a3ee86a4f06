// Edges: the weight's colour (a vertex colour) drawn as dashes that flow from source to target.
#import bevy_sprite::mesh2d_vertex_output::VertexOutput
#ifdef SRGB_OUTPUT
#import bevy_render::color_operations::linear_to_srgb
#endif

// x: how far the dashes have travelled (pixels), y: dash length, z: gap length, w: unused.
@group(#{MATERIAL_BIND_GROUP}) @binding(0) var<uniform> flow: vec4<f32>;

@fragment
fn fragment(mesh: VertexOutput) -> @location(0) vec4<f32> {
    // uv.x is the distance along the edge from its source, in pixels.
    let period = flow.y + flow.z;
    let phase = mesh.uv.x - flow.x;
    let along = phase - floor(phase / period) * period;
    if along > flow.y {
        discard;
    }
#ifdef VERTEX_COLORS
    var color = mesh.color;
#else
    var color = vec4<f32>(0.5, 0.5, 0.5, 1.0);
#endif
#ifdef SRGB_OUTPUT
    color = vec4(linear_to_srgb(color.rgb), color.a);
#endif
    return color;
}
