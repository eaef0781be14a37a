import UIKit

/// Hands a PDF the core rendered (DocumentEngine.renderDocument) to AirPrint.
/// The layout is the core's; this only presents the system print sheet.
/// Not compiled in CI (no Swift toolchain there).
enum DocumentPrinter {
    /// Presents the print sheet for the PDF at `pdfPath`, titled `title` (the document number).
    static func print(pdfPath: String, title: String) {
        let url = URL(fileURLWithPath: pdfPath)
        guard UIPrintInteractionController.canPrint(url) else { return }
        let info = UIPrintInfo(dictionary: nil)
        info.outputType = .grayscale
        info.jobName = title
        let controller = UIPrintInteractionController.shared
        controller.printInfo = info
        controller.printingItem = url
        controller.present(animated: true)
    }
}
