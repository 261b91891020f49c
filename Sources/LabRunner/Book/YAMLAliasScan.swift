// A first pass over libyaml's event stream, before Yams composes a tree: the composer
// expands every alias, so nested aliases ("billion laughs") would grow a 1 KB book into
// gigabytes. Events are read one at a time in constant memory.
import CYaml
import Foundation

enum YAMLAliasScan {
    /// Where the first anchor (`&name`) or alias (`*name`) is, with its name; nil when there is
    /// none or the text does not parse (the composer then reports the syntax error).
    static func firstAnchor(in text: String) -> (line: Int, column: Int, name: String)? {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return nil }
        defer { yaml_parser_delete(&parser) }
        var bytes = Array(text.utf8)
        return bytes.withUnsafeMutableBufferPointer { buffer -> (Int, Int, String)? in
            yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var event = yaml_event_t()
            while yaml_parser_parse(&parser, &event) == 1 {
                defer { yaml_event_delete(&event) }
                let anchor: UnsafeMutablePointer<yaml_char_t>? = switch event.type {
                case YAML_ALIAS_EVENT: event.data.alias.anchor
                case YAML_SCALAR_EVENT: event.data.scalar.anchor
                case YAML_SEQUENCE_START_EVENT: event.data.sequence_start.anchor
                case YAML_MAPPING_START_EVENT: event.data.mapping_start.anchor
                default: nil
                }
                if let anchor {
                    let name = String(cString: anchor)
                    return (Int(event.start_mark.line) + 1, Int(event.start_mark.column) + 1, name)
                }
                if event.type == YAML_STREAM_END_EVENT { return nil }
            }
            return nil
        }
    }
}
