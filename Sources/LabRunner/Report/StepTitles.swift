// What a step without a `title:` is called in the handout: words in the handout's
// language for what the step does ("SNS 주제 삭제"), and the resource it acts on when one
// of its inputs names it, rather than the step kind a book author types.
import Foundation

enum StepTitles {
    struct Title {
        var ko: String
        var en: String
        /// The input whose value names what the step acts on (an ARN shows its last part).
        var name: String?
    }

    private static func t(_ ko: String, _ en: String, _ name: String? = nil) -> Title { Title(ko: ko, en: en, name: name) }

    static let byKind: [String: Title] = [
        "application-autoscaling.deregister_scalable_target": t("스케일링 대상 등록 해제", "Deregister the scalable target", "ResourceId"),
        "application-autoscaling.describe_scaling_activities": t("스케일링 기록", "Scaling activities", "ResourceId"),
        "application-autoscaling.put_scaling_policy": t("스케일링 정책 설정", "Put a scaling policy", "PolicyName"),
        "application-autoscaling.register_scalable_target": t("스케일링 대상 등록", "Register a scalable target", "ResourceId"),
        "assets.fetch": t("자료 받기", "Fetch assets", "asset"),
        "clock.sleep": t("기다리기", "Wait"),
        "cloudwatch.get_metric_statistics": t("CloudWatch 지표", "CloudWatch metric", "MetricName"),
        "ecr.build_and_push": t("이미지 빌드와 푸시", "Build and push the image", "repositoryName"),
        "ecr.create_repository": t("ECR 저장소 만들기", "Create an ECR repository", "repositoryName"),
        "ecr.delete_repository": t("ECR 저장소 삭제", "Delete the ECR repository", "repositoryName"),
        "ecr.set_repository_policy": t("저장소 정책 설정", "Set the repository policy", "repositoryName"),
        "figure": t("그림", "Figure"),
        "iam.attach_role_policy": t("역할에 정책 연결", "Attach a policy to the role", "RoleName"),
        "iam.create_role": t("IAM 역할 만들기", "Create an IAM role", "RoleName"),
        "iam.delete_role": t("IAM 역할 삭제", "Delete the IAM role", "RoleName"),
        "iam.detach_role_policy": t("역할에서 정책 분리", "Detach a policy from the role", "RoleName"),
        "image.encode": t("이미지 인코딩", "Encode the image"),
        "image.instances": t("인스턴스 그리기", "Draw the instances"),
        "image.show": t("이미지 보기", "Show the image"),
        "lambda.create_function": t("Lambda 함수 만들기", "Create the Lambda function", "FunctionName"),
        "lambda.delete_function": t("Lambda 함수 삭제", "Delete the Lambda function", "FunctionName"),
        "lambda.invoke": t("Lambda 함수 호출", "Invoke the Lambda function", "FunctionName"),
        "lambda.invoke_local": t("이미지를 로컬에서 테스트 (RIE)", "Test the image locally (RIE)", "handler"),
        "local.delete_endpoint": t("로컬 엔드포인트 중지", "Stop the local endpoint", "EndpointName"),
        "local.deploy": t("로컬 모드 배포", "Deploy in local mode", "EndpointName"),
        "local.invoke_endpoint": t("로컬 엔드포인트 호출", "Invoke the local endpoint", "EndpointName"),
        "local.predict": t("로컬 엔드포인트로 예측", "Predict with the local endpoint", "EndpointName"),
        "logs.filter_log_events": t("CloudWatch 로그", "CloudWatch logs", "logGroupName"),
        "model.package": t("모델 패키징", "Package the model"),
        "model.predict": t("모델로 예측", "Predict with the model", "program"),
        "prose": t("설명", "Notes"),
        "read-file": t("파일 읽기", "Read a file", "path"),
        "repeat": t("반복", "Repeat"),
        "s3.create_bucket": t("S3 버킷 만들기", "Create an S3 bucket", "Bucket"),
        "s3.delete_bucket": t("S3 버킷 삭제", "Delete the S3 bucket", "Bucket"),
        "s3.delete_object": t("S3 객체 삭제", "Delete an S3 object", "Key"),
        "s3.get_object": t("S3 객체 내려받기", "Get an S3 object", "Key"),
        "s3.list_objects_v2": t("S3 객체 목록", "List S3 objects", "Prefix"),
        "s3.put_object": t("S3에 올리기", "Put an S3 object", "Key"),
        "s3.wait_object_exists": t("S3 객체가 생길 때까지 기다리기", "Wait for the S3 object", "Key"),
        "sagemaker-runtime.invoke_endpoint": t("엔드포인트 호출", "Invoke the endpoint", "EndpointName"),
        "sagemaker-runtime.invoke_endpoint_async": t("비동기 호출", "Invoke asynchronously", "EndpointName"),
        "sagemaker.create_endpoint": t("엔드포인트 만들기", "Create the endpoint", "EndpointName"),
        "sagemaker.create_endpoint_config": t("엔드포인트 구성 만들기", "Create the endpoint configuration", "EndpointConfigName"),
        "sagemaker.create_model": t("모델 만들기", "Create the model", "ModelName"),
        "sagemaker.default_bucket": t("기본 S3 버킷", "The default S3 bucket"),
        "sagemaker.delete_endpoint": t("엔드포인트 삭제", "Delete the endpoint", "EndpointName"),
        "sagemaker.delete_endpoint_config": t("엔드포인트 구성 삭제", "Delete the endpoint configuration", "EndpointConfigName"),
        "sagemaker.delete_model": t("모델 삭제", "Delete the model", "ModelName"),
        "sagemaker.describe_endpoint": t("엔드포인트 상태", "Describe the endpoint", "EndpointName"),
        "sagemaker.simulate_model_latency": t("모델 지연 시간 시뮬레이션", "Simulate the model latency", "EndpointName"),
        "sagemaker.wait": t("엔드포인트 기다리기", "Wait for the endpoint", "EndpointName"),
        "sns.confirm_subscription": t("구독 확인", "Confirm the subscription", "TopicArn"),
        "sns.create_topic": t("SNS 주제 만들기", "Create an SNS topic", "Name"),
        "sns.delete_topic": t("SNS 주제 삭제", "Delete the SNS topic", "TopicArn"),
        "sns.deliveries": t("받은 알림", "Delivered messages", "TopicArn"),
        "sns.list_topics": t("SNS 주제 목록", "List the SNS topics"),
        "sns.subscribe": t("SNS 구독", "Subscribe to the topic", "TopicArn"),
        "sts.get_caller_identity": t("계정 확인", "Who am I"),
    ]

    /// "SNS 주제 삭제 (`async-error`)" for a `sns.delete_topic` step whose TopicArn ends in async-error.
    static func title(kind: String, inputs: LabObject, language: Language) -> String? {
        guard let title = byKind[kind] else { return nil }
        let words = language == .ko ? title.ko : title.en
        guard let key = title.name, let value = inputs[key]?.string, !value.isEmpty else { return words }
        let name = value.hasPrefix("arn:") ? String(value.split(separator: ":").last ?? Substring(value)) : value
        let shown = name.count > 48 ? String(name.prefix(47)) + "…" : name
        return "\(words) (`\(shown.replacingOccurrences(of: "`", with: "'"))`)"
    }
}
