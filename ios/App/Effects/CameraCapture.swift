// Apple-only (AVFoundation, UIKit). Compiled by Xcode, never on Linux.
import AVFoundation
import UIKit
import WaymarkKit

/// The camera, straight into the vault: the photo's bytes exactly as the camera encoded them
/// (`fileDataRepresentation`, with its own metadata: the original) go to the sink in memory.
/// Nothing is saved to the Photos library and no file is written in the clear; the app model
/// streams the bytes into the vault's evidence writer as they arrive.
/// Videos are MovieCapture's (a movie file output, streamed in by WaymarkKit's MovieStreamer).
final class CameraCapture: Camera {
    func start(into sink: CaptureSink) {
        guard let top = Presenter.top() else { return sink.cancelled() }
        let controller = CameraViewController(sink: sink)
        controller.modalPresentationStyle = .fullScreen
        top.present(controller, animated: true)
    }
}

private final class CameraViewController: UIViewController, AVCapturePhotoCaptureDelegate {
    private let sink: CaptureSink
    private let session = AVCaptureSession()
    private let output = AVCapturePhotoOutput()
    private let queue = DispatchQueue(label: "org.waymark.camera")
    private var ended = false

    init(sink: CaptureSink) {
        self.sink = sink
        super.init(nibName: nil, bundle: nil)
    }

    required init?(coder: NSCoder) { nil }

    override func viewDidLoad() {
        super.viewDidLoad()
        view.backgroundColor = .black
        let preview = AVCaptureVideoPreviewLayer(session: session)
        preview.videoGravity = .resizeAspectFill
        preview.frame = view.bounds
        view.layer.addSublayer(preview)

        let shutter = UIButton(type: .system)
        shutter.setImage(UIImage(systemName: "circle.inset.filled",
                                 withConfiguration: UIImage.SymbolConfiguration(pointSize: 64)), for: .normal)
        shutter.tintColor = .white
        shutter.addTarget(self, action: #selector(takePhoto), for: .touchUpInside)
        let close = UIButton(type: .system)
        close.setImage(UIImage(systemName: "xmark", withConfiguration: UIImage.SymbolConfiguration(pointSize: 24)), for: .normal)
        close.tintColor = .white
        close.addTarget(self, action: #selector(cancel), for: .touchUpInside)
        for button in [shutter, close] {
            button.translatesAutoresizingMaskIntoConstraints = false
            view.addSubview(button)
        }
        NSLayoutConstraint.activate([
            shutter.centerXAnchor.constraint(equalTo: view.centerXAnchor),
            shutter.bottomAnchor.constraint(equalTo: view.safeAreaLayoutGuide.bottomAnchor, constant: -24),
            close.leadingAnchor.constraint(equalTo: view.safeAreaLayoutGuide.leadingAnchor, constant: 16),
            close.topAnchor.constraint(equalTo: view.safeAreaLayoutGuide.topAnchor, constant: 16),
        ])

        queue.async { [self] in
            session.beginConfiguration()
            session.sessionPreset = .photo
            guard let device = AVCaptureDevice.default(for: .video),
                  let input = try? AVCaptureDeviceInput(device: device),
                  session.canAddInput(input), session.canAddOutput(output) else {
                session.commitConfiguration()
                return DispatchQueue.main.async { self.finish(cancelled: true) }
            }
            session.addInput(input)
            session.addOutput(output)
            session.commitConfiguration()
            session.startRunning()
        }
    }

    @objc private func takePhoto() {
        output.capturePhoto(with: AVCapturePhotoSettings(), delegate: self)
    }

    @objc private func cancel() { finish(cancelled: true) }

    func photoOutput(_ output: AVCapturePhotoOutput, didFinishProcessingPhoto photo: AVCapturePhoto, error: Error?) {
        guard error == nil, let data = photo.fileDataRepresentation() else {
            return DispatchQueue.main.async { self.finish(cancelled: true) }
        }
        DispatchQueue.main.async {
            self.sink.chunk(data)
            self.finish(cancelled: false)
        }
    }

    private func finish(cancelled: Bool) {
        guard !ended else { return }
        ended = true
        queue.async { self.session.stopRunning() }
        if cancelled { sink.cancelled() } else { sink.finished() }
        dismiss(animated: true)
    }
}
