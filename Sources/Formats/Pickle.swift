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
}

public final class PickleDict: @unchecked Sendable {
    public var pairs: [(key: PickleValue, value: PickleValue)] = []
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
    private var reader: ByteReader
    private var stack: [PickleValue] = []
    private var marks: [Int] = []
    private var memo: [Int: PickleValue] = [:]
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

    private mutating func pop() throws -> PickleValue {
        guard let value = stack.popLast(), stack.count >= (marks.last ?? 0) else { throw fail("stack underflow") }
        return value
    }

    private mutating func popToMark() throws -> [PickleValue] {
        guard let mark = marks.popLast(), mark <= stack.count else { throw fail("no MARK on the stack") }
        defer { stack.removeSubrange(mark...) }
        return Array(stack[mark...])
    }

    private mutating func top() throws -> PickleValue {
        guard let value = stack.last, stack.count > (marks.last ?? 0) else { throw fail("empty stack") }
        return value
    }

    private mutating func run() throws -> PickleValue {
        while true {
            let opcode = try reader.uint8()
            switch opcode {
            case 0x80: _ = try reader.uint8()                                   // PROTO
            case 0x95: try reader.skip(8)                                       // FRAME
            case 0x2E: return try pop()                                         // STOP
            case 0x28: marks.append(stack.count)                                // MARK
            case 0x7D: stack.append(.dict(PickleDict()))                        // EMPTY_DICT
            case 0x5D: stack.append(.list(PickleList()))                        // EMPTY_LIST
            case 0x29: stack.append(.tuple([]))                                 // EMPTY_TUPLE
            case 0x74: stack.append(.tuple(try popToMark()))                    // TUPLE
            case 0x85: stack.append(.tuple([try pop()]))                        // TUPLE1
            case 0x86: let b = try pop(), a = try pop(); stack.append(.tuple([a, b]))          // TUPLE2
            case 0x87: let c = try pop(), b = try pop(), a = try pop(); stack.append(.tuple([a, b, c])) // TUPLE3
            case 0x6C: let list = PickleList(); list.items = try popToMark(); stack.append(.list(list)) // LIST
            case 0x64: stack.append(.dict(try dictionary(from: try popToMark())))                  // DICT
            case 0x4E: stack.append(.none)                                      // NONE
            case 0x88: stack.append(.bool(true))                                // NEWTRUE
            case 0x89: stack.append(.bool(false))                               // NEWFALSE
            case 0x4B: stack.append(.int(Int(try reader.uint8())))              // BININT1
            case 0x4D: stack.append(.int(Int(try reader.littleEndian(UInt16.self))))           // BININT2
            case 0x4A: stack.append(.int(Int(try reader.littleEndian(Int32.self))))            // BININT
            case 0x8A: stack.append(try long1())                                // LONG1
            case 0x47: stack.append(.float(Double(bitPattern: try reader.bigEndian(UInt64.self)))) // BINFLOAT
            case 0x58: stack.append(.string(try text(Int(try reader.littleEndian(UInt32.self))))) // BINUNICODE
            case 0x8C: stack.append(.string(try text(Int(try reader.uint8()))))                // SHORT_BINUNICODE
            case 0x54: stack.append(.string(try text(Int(try reader.littleEndian(UInt32.self))))) // BINSTRING
            case 0x55: stack.append(.string(try text(Int(try reader.uint8()))))                // SHORT_BINSTRING
            case 0x43: stack.append(.bytes(Array(try reader.take(Int(try reader.uint8())))))  // SHORT_BINBYTES
            case 0x42: stack.append(.bytes(Array(try reader.take(Int(try reader.littleEndian(UInt32.self)))))) // BINBYTES
            case 0x71: memo[Int(try reader.uint8())] = try top()                // BINPUT
            case 0x72: memo[Int(try reader.littleEndian(UInt32.self))] = try top() // LONG_BINPUT
            case 0x94: memo[memo.count] = try top()                             // MEMOIZE
            case 0x68: try get(Int(try reader.uint8()))                         // BINGET
            case 0x6A: try get(Int(try reader.littleEndian(UInt32.self)))       // LONG_BINGET
            case 0x63: stack.append(try global())                               // GLOBAL
            case 0x52: let args = try pop(), callable = try pop(); stack.append(try reduce(callable, args)) // REDUCE
            case 0x62: _ = try pop()                                            // BUILD: state ignored (state_dict _metadata)
            case 0x51: stack.append(try persistentLoad(try pop()))              // BINPERSID
            case 0x73: let value = try pop(), key = try pop(); try setItems(key, value)       // SETITEM
            case 0x75: try setItemsFromMark()                                   // SETITEMS
            case 0x61: let value = try pop(); try append([value])               // APPEND
            case 0x65: try append(try popToMark())                              // APPENDS
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
        guard let value = memo[key] else { throw fail("memo key \(key) was never stored") }
        stack.append(value)
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

    private mutating func setItems(_ key: PickleValue, _ value: PickleValue) throws {
        guard case let .dict(dict) = try top() else { throw fail("SETITEM on a non-dict") }
        dict.pairs.append((key, value))
    }

    private mutating func setItemsFromMark() throws {
        let items = try popToMark()
        guard case let .dict(dict) = try top() else { throw fail("SETITEMS on a non-dict") }
        dict.pairs.append(contentsOf: try dictionary(from: items).pairs)
    }

    private mutating func append(_ values: [PickleValue]) throws {
        guard case let .list(list) = try top() else { throw fail("APPEND on a non-list") }
        list.items.append(contentsOf: values)
    }
}
