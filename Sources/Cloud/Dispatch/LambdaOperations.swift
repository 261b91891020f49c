// AWS Lambda's operations as boto3 calls them (botocore model lambda/2015-03-31), onto `Lambda`.
import AWSShapes
import Foundation

enum LambdaOperations {
    static let handlers: [String: OperationHandler] = [
        "CreateFunction": { cloud, input in
            configuration(try cloud.lambda.createFunction(try createInput(Parameters(input, service: "lambda"))))
        },
        "GetFunction": { cloud, input in
            let output = try cloud.lambda.getFunction(functionName: try qualifiedName(Parameters(input, service: "lambda")))
            return ["Configuration": configuration(output.configuration), "Code": code(output.code)]
        },
        "ListFunctions": { cloud, input in
            let p = Parameters(input, service: "lambda")
            let page = try p.page(of: cloud.lambda.listFunctions(), tokenKey: "Marker",
                                  limit: p.optionalInt("MaxItems") ?? 50, invalidToken: invalidParameter)
            return .structure([("Functions", .list(page.items.map(configuration))), ("NextMarker", .optional(page.nextToken))])
        },
        "DeleteFunction": { cloud, input in
            try cloud.lambda.deleteFunction(functionName: try qualifiedName(Parameters(input, service: "lambda")))
            return ["StatusCode": 204]  // Lambda answers DeleteFunction with 204 No Content
        },
        "Invoke": { cloud, input in try invoke(cloud.lambda, Parameters(input, service: "lambda")) },
    ]

    /// Only container images are emulated (`Code.ImageUri`); PackageType defaults to Zip, as on
    /// AWS, which `Lambda` refuses with a hint to use an image.
    private static func createInput(_ p: Parameters) throws -> CreateFunctionInput {
        let written = p.optionalString("PackageType") ?? PackageType.zip.rawValue
        guard let packageType = PackageType(rawValue: written) else {
            throw invalidParameter("Unsupported PackageType \(written)")
        }
        return CreateFunctionInput(
            functionName: try p.string("FunctionName"), role: try p.string("Role"),
            code: FunctionCode(imageUri: p.structure("Code")?.optionalString("ImageUri")), packageType: packageType,
            memorySize: p.optionalInt("MemorySize") ?? 128, timeout: p.optionalInt("Timeout") ?? 3,
            description: p.optionalString("Description") ?? "",
            environment: p.structure("Environment")?.stringMap("Variables") ?? [:])
    }

    private static func invoke(_ lambda: Lambda, _ p: Parameters) throws -> AWSValue {
        guard let type = InvocationType(rawValue: p.optionalString("InvocationType") ?? "RequestResponse"),
              let logType = LogType(rawValue: p.optionalString("LogType") ?? "None") else {
            throw invalidParameter("InvocationType or LogType is not one Lambda knows")
        }
        let output = try lambda.invoke(functionName: try qualifiedName(p), invocationType: type,
                                       payload: p.data("Payload"), logType: logType)
        // Lambda reports the executed version only for a synchronous invocation.
        return .structure([
            ("StatusCode", .int(output.statusCode)), ("FunctionError", .optional(output.functionError)),
            ("LogResult", .optional(output.logResult)), ("Payload", .blob(output.payload)),
            ("ExecutedVersion", output.statusCode == 200 ? .string(output.executedVersion) : nil),
        ])
    }

    /// FunctionName with the Qualifier member folded in, the form `Lambda` resolves.
    private static func qualifiedName(_ p: Parameters) throws -> String {
        let name = try p.string("FunctionName")
        guard let qualifier = p.optionalString("Qualifier") else { return name }
        let (_, written) = Lambda.splitFunctionName(name)
        guard let written else { return "\(name):\(qualifier)" }
        guard written == qualifier else {
            throw invalidParameter("The derived qualifier from the function name does not match the specified qualifier.")
        }
        return name
    }

    static func configuration(_ f: FunctionConfiguration) -> AWSValue {
        .structure([
            ("FunctionName", .string(f.functionName)), ("FunctionArn", .string(f.functionArn)), ("Role", .string(f.role)),
            ("CodeSize", .int(f.codeSize)), ("Description", .string(f.description)), ("Timeout", .int(f.timeout)),
            ("MemorySize", .int(f.memorySize)), ("LastModified", .string(lastModified(f.lastModified))),
            ("CodeSha256", .string(f.codeSha256)), ("Version", .string(f.version)),
            ("Environment", f.environment.isEmpty ? nil : ["Variables": .map(f.environment.mapValues(AWSValue.string))]),
            ("State", .string(f.state)), ("PackageType", .string(f.packageType.rawValue)),
        ])
    }

    private static func code(_ c: FunctionCodeLocation) -> AWSValue {
        ["RepositoryType": .string(c.repositoryType), "ImageUri": .string(c.imageUri),
         "ResolvedImageUri": .string(c.resolvedImageUri)]
    }

    /// Lambda's LastModified is a string, not a timestamp: `2024-05-01T09:30:00.000+0000`.
    static func lastModified(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ss.SSSZ"
        return formatter.string(from: date)
    }

    private static func invalidParameter(_ message: String) -> AWSError {
        Lambda.error("InvalidParameterValueException", 400, message)
    }
}
