// A restricted pickle virtual machine: exactly the opcodes `torch.save` emits (protocol 2,
// plus the few protocol 4 ones that are harmless) and no arbitrary callables. Globals
// resolve only to the names torch checkpoints use; anything else is an error naming it.
// Reference: CPython's Lib/pickletools.py opcode table.
import Foundation

/// What a pickle can build here. Lists and dicts are boxes because pickle mutates them
/// after memoizing them (APPENDS, SETITEMS) and the memo must see the change.
public indirect enum PickleValue: Sendable {
    case none
    case bool(Bool)
    case int(Int)
    case float(Double)
    case string(String)
    case bytes([UInt8])
    case tuple([PickleValue])
    case list(PickleList)
    case dict(PickleDict)
    case global(module: String, name: String)
    /// A persistent id resolved by the caller (a torch storage).
    case storage(TorchStorageRef)
    /// `_rebuild_tensor_v2(storage, offset, size, stride, ...)`.
    case tensor(TorchTensorRef)

    var typeName: String {
        switch self {
        case .none: return "None"
        case .bool: return "bool"
        case .int: return "int"
        case .float: return "float"
        case .string: return "str"
        case .bytes: return "bytes"
        case .tuple: return "tuple"
        case .list: return "list"
        case .dict: return "dict"
        case let .global(module, name): return "\(module).\(name)"
        case .storage: return "storage"
        case .tensor: return "tensor"
        }
    }
}

public final class PickleList: @unchecked Sendable {
    public var items: [PickleValue] = []
    /// Nesting depth of the deepest item plus one, kept as items are appended.
    var depth = 1
}

public final class PickleDict: @unchecked Sendable {
    public var pairs: [(key: PickleValue, value: PickleValue)] = []
    var depth = 1
}

public struct TorchStorageRef: Sendable {
    public var key: String
    public var elementType: ElementType
    public var elementCount: Int?
}

public struct TorchTensorRef: Sendable {
    public var storage: TorchStorageRef
    public var offset: Int
    public var shape: [Int]
    public var strides: [Int]
}

struct PickleMachine {
    /// Deeper values are refused: nothing in a state dict nests this far, and releasing a
    /// value a million levels deep would overflow the stack.
    static let maximumDepth = 64

    private var reader: ByteReader
    private var stack: [PickleValue] = []
    /// The nesting depth of each stack entry (scalars 0).
    private var depths: [Int] = []
    private var marks: [Int] = []
    private var memo: [Int: (value: PickleValue, depth: Int)] = [:]
    private let persistentLoad: (PickleValue) throws -> PickleValue

    init(_ reader: ByteReader, persistentLoad: @escaping (PickleValue) throws -> PickleValue) {
        self.reader = reader
        self.persistentLoad = persistentLoad
    }

    /// Runs to STOP and returns the value and the offset just past it.
    static func load(_ reader: ByteReader,
                     persistentLoad: @escaping (PickleValue) throws -> PickleValue = { id in
                         throw CheckpointError(.unsupported, "pickle", "persistent id \(id.typeName) without a loader")
                     }) throws -> (PickleValue, Int) {
        var machine = PickleMachine(reader, persistentLoad: persistentLoad)
        let value = try machine.run()
        return (value, machine.reader.offset)
    }

    private func fail(_ message: String) -> CheckpointError {
        CheckpointError(.malformed, "\(reader.location) (pickle offset \(reader.offset))", message)
    }

    private mutating func push(_ value: PickleValue, depth: Int = 0) throws {
        guard depth <= PickleMachine.maximumDepth else { throw fail("values nest deeper than \(PickleMachine.maximumDepth) levels") }
        stack.append(value)
        depths.append(depth)
    }

    private mutating func popEntry() throws -> (PickleValue, Int) {
        guard stack.count > (marks.last ?? 0), let value = stack.popLast(), let depth = depths.popLast() else {
            throw fail("stack underflow")
        }
        return (value, depth)
    }

    private mutating func pop() throws -> PickleValue { try popEntry().0 }

    private mutating func popToMark() throws -> ([PickleValue], Int) {
        guard let mark = marks.popLast(), mark <= stack.count else { throw fail("no MARK on the stack") }
        defer {
            stack.removeSubrange(mark...)
            depths.removeSubrange(mark...)
        }
        return (Array(stack[mark...]), depths[mark...].max() ?? 0)
    }

    private mutating func top() throws -> (value: PickleValue, depth: Int) {
        guard stack.count > (marks.last ?? 0), let value = stack.last, let depth = depths.last else { throw fail("empty stack") }
        return (value, depth)
    }

    /// A tuple of popped entries, one level deeper than the deepest of them.
    private mutating func tuple(_ count: Int) throws {
        var items: [PickleValue] = []
        var depth = 0
        for _ in 0..<count {
            let (value, itemDepth) = try popEntry()
            items.insert(value, at: 0)
            depth = max(depth, itemDepth)
        }
        try push(.tuple(items), depth: depth + 1)
    }

    private mutating func run() throws -> PickleValue {
        while true {
            let opcode = try reader.uint8()
            switch opcode {
            case 0x80:                                                          // PROTO
                let version = try reader.uint8()
                guard version <= 5 else { throw fail("pickle protocol \(version) is newer than any Python writes (0...5)") }
            case 0x95: try reader.skip(8)                                       // FRAME
            case 0x2E: return try pop()                                         // STOP
            case 0x28: marks.append(stack.count)                                // MARK
            case 0x7D: try push(.dict(PickleDict()), depth: 1)                  // EMPTY_DICT
            case 0x5D: try push(.list(PickleList()), depth: 1)                  // EMPTY_LIST
            case 0x29: try push(.tuple([]), depth: 1)                           // EMPTY_TUPLE
            case 0x74: let (items, depth) = try popToMark(); try push(.tuple(items), depth: depth + 1) // TUPLE
            case 0x85: try tuple(1)                                             // TUPLE1
            case 0x86: try tuple(2)                                             // TUPLE2
            case 0x87: try tuple(3)                                             // TUPLE3
            case 0x6C: try listFromMark()                                       // LIST
            case 0x64: try dictFromMark()                                       // DICT
            case 0x4E: try push(.none)                                      // NONE
            case 0x88: try push(.bool(true))                                // NEWTRUE
            case 0x89: try push(.bool(false))                               // NEWFALSE
            case 0x4B: try push(.int(Int(try reader.uint8())))              // BININT1
            case 0x4D: try push(.int(Int(try reader.littleEndian(UInt16.self))))           // BININT2
            case 0x4A: try push(.int(Int(try reader.littleEndian(Int32.self))))            // BININT
            case 0x8A: try push(try long1())                                // LONG1
            case 0x47: try push(.float(Double(bitPattern: try reader.bigEndian(UInt64.self)))) // BINFLOAT
            case 0x58: try push(.string(try text(Int(try reader.littleEndian(UInt32.self))))) // BINUNICODE
            case 0x8C: try push(.string(try text(Int(try reader.uint8()))))                // SHORT_BINUNICODE
            case 0x54: try push(.string(try text(Int(try reader.littleEndian(UInt32.self))))) // BINSTRING
            case 0x55: try push(.string(try text(Int(try reader.uint8()))))                // SHORT_BINSTRING
            case 0x43: try push(.bytes(Array(try reader.take(Int(try reader.uint8())))))  // SHORT_BINBYTES
            case 0x42: try push(.bytes(Array(try reader.take(Int(try reader.littleEndian(UInt32.self)))))) // BINBYTES
            case 0x71: memo[Int(try reader.uint8())] = try top()                // BINPUT
            case 0x72: memo[Int(try reader.littleEndian(UInt32.self))] = try top() // LONG_BINPUT
            case 0x94: memo[memo.count] = try top()                             // MEMOIZE
            case 0x68: try get(Int(try reader.uint8()))                         // BINGET
            case 0x6A: try get(Int(try reader.littleEndian(UInt32.self)))       // LONG_BINGET
            case 0x63: try push(try global())                                   // GLOBAL
            case 0x52: let args = try pop(), callable = try pop(); try push(try reduce(callable, args), depth: 1) // REDUCE
            case 0x62: _ = try pop()                                            // BUILD: state ignored (state_dict _metadata)
            case 0x51: try push(try persistentLoad(try pop()), depth: 1)        // BINPERSID
            case 0x73: let (value, a) = try popEntry(), (key, b) = try popEntry(); try setItems([key, value], depth: max(a, b)) // SETITEM
            case 0x75: let (items, depth) = try popToMark(); try setItems(items, depth: depth) // SETITEMS
            case 0x61: let (value, depth) = try popEntry(); try append([value], depth: depth)  // APPEND
            case 0x65: let (items, depth) = try popToMark(); try append(items, depth: depth)   // APPENDS
            default: throw fail("unsupported pickle opcode 0x\(String(opcode, radix: 16))")
            }
        }
    }

    private mutating func text(_ length: Int) throws -> String {
        String(decoding: try reader.take(length), as: UTF8.self)
    }

    private mutating func long1() throws -> PickleValue {
        let length = Int(try reader.uint8())
        let bytes = try reader.take(length)
        guard length <= 8 else {
            // Only the legacy format's magic number is this long; it is compared as bytes.
            return .bytes(Array(bytes))
        }
        var value: UInt64 = 0
        for (i, byte) in bytes.enumerated() { value |= UInt64(byte) << (8 * UInt64(i)) }
        if length > 0, length < 8, bytes[length - 1] & 0x80 != 0 { value |= ~0 << (8 * UInt64(length)) }
        return .int(Int(Int64(bitPattern: value)))
    }

    private mutating func get(_ key: Int) throws {
        guard let entry = memo[key] else { throw fail("memo key \(key) was never stored") }
        switch entry.value {
        case let .list(list): try push(entry.value, depth: list.depth)
        case let .dict(dict): try push(entry.value, depth: dict.depth)
        default: try push(entry.value, depth: entry.depth)
        }
    }

    private mutating func global() throws -> PickleValue {
        let module = try line(), name = try line()
        let allowed: Set<String> = [
            "collections.OrderedDict", "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_parameter",
            "torch.FloatStorage", "torch.HalfStorage", "torch.BFloat16Storage", "torch.DoubleStorage",
            "torch.LongStorage", "torch.IntStorage", "torch.ShortStorage", "torch.CharStorage",
            "torch.ByteStorage", "torch.BoolStorage",
        ]
        guard allowed.contains("\(module).\(name)") else {
            throw CheckpointError(.unsupported, "\(reader.location) (pickle offset \(reader.offset))",
                                  "global \(module).\(name) is not something a state dict holds")
        }
        return .global(module: module, name: name)
    }

    private mutating func line() throws -> String {
        var bytes: [UInt8] = []
        while true {
            let byte = try reader.uint8()
            if byte == 0x0A { return String(decoding: bytes, as: UTF8.self) }
            guard bytes.count < 256 else { throw fail("GLOBAL name too long") }
            bytes.append(byte)
        }
    }

    private func reduce(_ callable: PickleValue, _ args: PickleValue) throws -> PickleValue {
        guard case let .global(module, name) = callable, case let .tuple(arguments) = args else {
            throw fail("REDUCE needs a known global and an argument tuple, found \(callable.typeName)(\(args.typeName))")
        }
        switch (module, name) {
        case ("collections", "OrderedDict"):
            return .dict(PickleDict())
        case ("torch._utils", "_rebuild_parameter"):
            guard let first = arguments.first, case .tensor = first else { throw fail("_rebuild_parameter without a tensor") }
            return first
        case ("torch._utils", "_rebuild_tensor_v2"):
            guard arguments.count >= 4, case let .storage(storage) = arguments[0], case let .int(offset) = arguments[1],
                  case let .tuple(size) = arguments[2], case let .tuple(stride) = arguments[3] else {
                throw fail("_rebuild_tensor_v2 arguments are not (storage, offset, size, stride, ...)")
            }
            return .tensor(TorchTensorRef(storage: storage, offset: offset, shape: try integers(size), strides: try integers(stride)))
        default:
            throw fail("\(module).\(name) cannot be called")
        }
    }

    private func integers(_ values: [PickleValue]) throws -> [Int] {
        try values.map { value in
            guard case let .int(number) = value else { throw fail("expected an int in a size or stride, found \(value.typeName)") }
            return number
        }
    }

    private func dictionary(from items: [PickleValue]) throws -> PickleDict {
        guard items.count % 2 == 0 else { throw fail("odd number of items for a dict") }
        let dict = PickleDict()
        for i in stride(from: 0, to: items.count, by: 2) { dict.pairs.append((items[i], items[i + 1])) }
        return dict
    }

    private mutating func listFromMark() throws {
        let (items, depth) = try popToMark()
        let list = PickleList()
        list.items = items
        list.depth = depth + 1
        try push(.list(list), depth: list.depth)
    }

    private mutating func dictFromMark() throws {
        let (items, depth) = try popToMark()
        let dict = try dictionary(from: items)
        dict.depth = depth + 1
        try push(.dict(dict), depth: dict.depth)
    }

    /// Records that the container on top of the stack now holds something `depth` deep.
    private mutating func deepenTop(_ depth: Int) throws -> Int {
        guard let current = depths.last else { throw fail("empty stack") }
        let updated = max(current, depth + 1)
        guard updated <= PickleMachine.maximumDepth else { throw fail("values nest deeper than \(PickleMachine.maximumDepth) levels") }
        depths[depths.count - 1] = updated
        return updated
    }

    private mutating func setItems(_ items: [PickleValue], depth: Int) throws {
        guard case let .dict(dict) = try top().value else { throw fail("SETITEM on a non-dict") }
        dict.pairs.append(contentsOf: try dictionary(from: items).pairs)
        dict.depth = try deepenTop(depth)
    }

    private mutating func append(_ values: [PickleValue], depth: Int) throws {
        guard case let .list(list) = try top().value else { throw fail("APPEND on a non-list") }
        list.items.append(contentsOf: values)
        list.depth = try deepenTop(depth)
    }
}
