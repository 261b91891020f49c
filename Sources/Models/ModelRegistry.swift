// The handlers this room provides, registered by name into Serving's registry (the
// analogue of SAGEMAKER_PROGRAM / a Lambda image's CMD).
import Foundation
import Serving

/// Registers the SageMaker model handlers (`nsmc`, `korsts`, `kobart`, `yolo-detect`,
/// `maskrcnn`) and the Lambda functions (`nsmc-lambda`, `yolo-lambda`). Each loads a model
/// directory in the labs' layout.
public func registerModelHandlers(into registry: inout HandlerRegistry) {
    registry.register(model: "nsmc", summary: "KoELECTRA NSMC sentiment: {\"text\": [review]} → {\"predicted_label\", \"score\"} (JSON Lines)") {
        try NSMCHandler(directory: $0)
    }
    registry.register(model: "korsts", summary: "KoELECTRA KorSTS similarity: {\"text\": [s1, s2]} → {\"score\"} (JSON Lines)") {
        try KorSTSHandler(directory: $0)
    }
    registry.register(model: "kobart", summary: "KoBART news summarization: {\"text\": [article]} → {\"summary\"} (JSON Lines, beam search)") {
        try KoBARTHandler(directory: $0)
    }
    registry.register(function: "nsmc-lambda") { try NSMCLambdaHandler(imageDirectory: $0) }
    registry.register(model: "yolo-detect", summary: "darknet YOLOv3: image bytes → [{\"label\", \"class_id\", \"score\", \"box\"}] (JSON)") {
        try YOLODetectHandler(directory: $0)
    }
    registry.register(function: "yolo-lambda") { try YOLOLambdaHandler(imageDirectory: $0) }
    registry.register(model: "maskrcnn", summary: "torchvision Mask R-CNN R50-FPN: video (every 30th frame, 256×256) or image → [{\"boxes\", \"labels\", \"scores\", \"masks\"}] per frame (JSON)") {
        try MaskRCNNHandler(directory: $0)
    }
}
