import SwiftUI
import LianjianCore

/// 签字: the signing ceremony. The pad records strokes with time and
/// pressure; the core freezes the record, draws the signature and signs it
/// with the device key, so the signature looks the same as on Android.
struct SigningView: View {
    @EnvironmentObject var model: AppModel
    let inspectionId: String
    let record: String
    let signer: SignerInput
    @State private var strokes: [[StrokePointInput]] = []
    @State private var started: Date?
    @State private var reason = ""
    @State private var state: [RecordSigningInfo] = []
    @State private var message: String?
    private let pad = CGSize(width: 400, height: 160)

    var body: some View {
        Form {
            ForEach(state, id: \.record) { s in
                Text("\(s.label)：" + (s.complete ? Strings.stepDone : s.missing.joined(separator: "；")))
            }
            Section(Strings.signHere(signer.name)) {
                Canvas { context, size in
                    let scale = size.width / pad.width
                    for stroke in strokes {
                        var path = Path()
                        for (i, p) in stroke.enumerated() {
                            let point = CGPoint(x: CGFloat(p.x) * scale, y: CGFloat(p.y) * scale)
                            if i == 0 { path.move(to: point) } else { path.addLine(to: point) }
                        }
                        context.stroke(path, with: .color(.black), style: StrokeStyle(lineWidth: 2.5, lineCap: .round))
                    }
                }
                .frame(height: 160)
                .border(.gray)
                .gesture(DragGesture(minimumDistance: 0).onChanged { g in record(g, newStroke: g.translation == .zero) })
                HStack {
                    Button(Strings.padRewrite) { strokes = []; started = nil }
                    Button(Strings.padSign) { sign() }
                }
            }
            if signer.role == "responsible_person" {
                Section(Strings.refuse) {
                    TextField(Strings.refusalReason, text: $reason)
                    Button(Strings.submitRefusal) { refuse() }
                }
            }
            if let message { Text(message) }
        }
        .onAppear { reload() }
        .navigationTitle(Strings.signingTitle)
    }

    private func record(_ g: DragGesture.Value, newStroke: Bool) {
        let now = Date()
        if started == nil { started = now }
        let t = UInt32(max(0, now.timeIntervalSince(started!) * 1000))
        // The canvas is drawn at the pad's aspect ratio; convert to pad units.
        let x = Float(min(max(g.location.x, 0), pad.width))
        let y = Float(min(max(g.location.y, 0), pad.height))
        let point = StrokePointInput(x: x, y: y, t: t, pressure: 1.0)
        if newStroke || strokes.isEmpty { strokes.append([point]) } else { strokes[strokes.count - 1].append(point) }
    }

    private func sign() {
        do {
            _ = try model.store.signRecord(
                inspectionId: inspectionId, record: record, signer: signer,
                strokesInput: strokes.map { StrokeInput(points: $0) },
                padWidth: Float(pad.width), padHeight: Float(pad.height))
            strokes = []
            message = Strings.signed
            reload()
        } catch { message = "\(error)" }
    }

    private func refuse() {
        do {
            try model.store.refuseToSign(inspectionId: inspectionId, record: record, reason: reason)
            message = "已记录拒签，请两名执法人员签字"
            reload()
        } catch { message = "\(error)" }
    }

    private func reload() {
        state = (try? model.store.signingState(inspectionId: inspectionId)) ?? []
    }
}
