// The 91 COCO category ids of torchvision's detection models (`_COCO_CATEGORIES`): index
// = category id, 0 the background, "N/A" for the ids COCO never used. The async lab's label
// file lists them as `id,id,name`, one a line, the ids it uses only.
public enum COCOCategories {
    public static let names: [String] = [
        "__background__", "person", "bicycle", "car", "motorcycle", "airplane", "bus", "train",
        "truck", "boat", "traffic light", "fire hydrant", "N/A", "stop sign", "parking meter", "bench",
        "bird", "cat", "dog", "horse", "sheep", "cow", "elephant", "bear",
        "zebra", "giraffe", "N/A", "backpack", "umbrella", "N/A", "N/A", "handbag",
        "tie", "suitcase", "frisbee", "skis", "snowboard", "sports ball", "kite", "baseball bat",
        "baseball glove", "skateboard", "surfboard", "tennis racket", "bottle", "N/A", "wine glass", "cup",
        "fork", "knife", "spoon", "bowl", "banana", "apple", "sandwich", "orange",
        "broccoli", "carrot", "hot dog", "pizza", "donut", "cake", "chair", "couch",
        "potted plant", "bed", "N/A", "dining table", "N/A", "N/A", "toilet", "N/A",
        "tv", "laptop", "mouse", "remote", "keyboard", "cell phone", "microwave", "oven",
        "toaster", "sink", "refrigerator", "N/A", "book", "clock", "vase", "scissors",
        "teddy bear", "hair drier", "toothbrush",
    ]

    /// The name of category `id`, or nil for the background, an unused id or one out of range.
    public static func name(_ id: Int) -> String? {
        guard id > 0, id < names.count, names[id] != "N/A" else { return nil }
        return names[id]
    }

    /// The notebook's label file: `id,id,name` for every category COCO uses.
    public static var labelFile: String {
        names.indices.compactMap { id in name(id).map { "\(id),\(id),\($0)" } }.joined(separator: "\n") + "\n"
    }
}
