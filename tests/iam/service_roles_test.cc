#include "iam/service_roles.h"

#include <gtest/gtest.h>

#include <string>

#include "iam/catalog.h"

namespace iamd::iam {
namespace {

// [OBS] The services AWS answered "Custom suffix is not allowed for <service>"
// (../shared/spec/aws-recorded-errors.md, service_role_lifecycle_custom_suffix_not_allowed).
constexpr std::string_view kSuffixRefused[] = {
    "ops.apigateway.amazonaws.com",
    "eks-fargate.amazonaws.com",
    "emrwal.amazonaws.com",
    "ops.emr-serverless.amazonaws.com",
    "eks.amazonaws.com",
    "iotmanagedintegrations.amazonaws.com",
    "kafkaconnect.amazonaws.com",
    "wafv2.amazonaws.com",
    "rolesanywhere.amazonaws.com",
    "m2.amazonaws.com",
    "dms-fleet-advisor.amazonaws.com",
    "opsdatasync.ssm.amazonaws.com",
    "resource-explorer-2.amazonaws.com",
    "opsinsights.ssm.amazonaws.com",
    "codestar-notifications.amazonaws.com",
    "appmesh.amazonaws.com",
    "waf.amazonaws.com",
    "notifications.amazonaws.com",
    "docdb-elastic.amazonaws.com",
    "elasticbeanstalk.amazonaws.com",
    "replication.ecr.amazonaws.com",
    "ecs.amazonaws.com",
    "batch.amazonaws.com",
    "shield.amazonaws.com",
    "redshift.amazonaws.com",
    "rds.amazonaws.com",
    "mrk.kms.amazonaws.com",
    "eks-connector.amazonaws.com",
    "kafka.amazonaws.com",
    "observability.aoss.amazonaws.com",
    "lakeformation.amazonaws.com",
    "memorydb.amazonaws.com",
    "elasticache.amazonaws.com",
    "emr-containers.amazonaws.com",
    "pullthroughcache.ecr.amazonaws.com",
    "imagebuilder.amazonaws.com",
    "cassandra.application-autoscaling.amazonaws.com",
    "s3-outposts.amazonaws.com",
    "eks-nodegroup.amazonaws.com",
    "accountdiscovery.ssm.amazonaws.com",
    "ssm-incidents.amazonaws.com",
    "dms.amazonaws.com",
    "ecr.amazonaws.com",
    "sso.amazonaws.com",
    "lex.amazonaws.com",
    "repository.sync.codeconnections.amazonaws.com",
    "ram.amazonaws.com",
    "cks.kms.amazonaws.com",
    "cloudtrail.amazonaws.com",
    "ses.amazonaws.com",
    "opensearchservice.amazonaws.com",
    "ssm-quicksetup.amazonaws.com",
    "vpcorigin.cloudfront.amazonaws.com",
    "ec2-instance-connect.amazonaws.com",
    "acm.amazonaws.com",
    "elasticloadbalancing.amazonaws.com",
    "fis.amazonaws.com",
    "elasticfilesystem.amazonaws.com",
    "replication.cassandra.amazonaws.com",
    "config.amazonaws.com",
    "autoscaling-plans.amazonaws.com",
    "mq.amazonaws.com",
    "email.cognito-idp.amazonaws.com",
    "ec2.application-autoscaling.amazonaws.com",
    "backup.amazonaws.com",
    "grafana.amazonaws.com",
    "lightsail.amazonaws.com",
    "ssm.amazonaws.com",
};

TEST(ServiceRoles, EmbeddedTableIsSortedAndComplete) {
  const auto all = service_roles();
  EXPECT_EQ(all.size(), 97u);
  for (std::size_t i = 1; i < all.size(); ++i) EXPECT_LT(all[i - 1].service, all[i].service);
  for (std::string_view s : kSuffixRefused) {
    const ServiceRole* r = find_service_role(s);
    ASSERT_NE(r, nullptr) << s;
    EXPECT_FALSE(r->custom_suffix) << s;
  }
  // [OBS] The recorded services that accepted a CustomSuffix.
  for (std::string_view s : {"autoscaling.amazonaws.com", "connect.amazonaws.com", "lexv2.amazonaws.com"}) {
    const ServiceRole* r = find_service_role(s);
    ASSERT_NE(r, nullptr) << s;
    EXPECT_TRUE(r->custom_suffix) << s;
  }
  EXPECT_EQ(find_service_role("nosuchservice.amazonaws.com"), nullptr);
  EXPECT_EQ(find_service_role("autoscaling"), nullptr);
  EXPECT_EQ(find_service_role("AUTOSCALING.amazonaws.com"), nullptr);
}

TEST(ServiceRoles, EveryPolicyIsAServiceRolePolicyOfTheCatalogue) {
  const ManagedCatalog& c = ManagedCatalog::builtin();
  for (const ServiceRole& r : service_roles()) {
    const std::string arn = "arn:aws:iam::aws:policy/aws-service-role/" + std::string(r.policy_name);
    const AwsManagedPolicy* p = c.find_by_arn(arn);
    ASSERT_NE(p, nullptr) << r.service << " " << arn;
    EXPECT_EQ(p->path, kServiceRolePolicyPath) << arn;
  }
  const ServiceRole* as = find_service_role("autoscaling.amazonaws.com");
  ASSERT_NE(as, nullptr);
  EXPECT_EQ(as->role_name, "AWSServiceRoleForAutoScaling");
  EXPECT_EQ(as->policy_name, "AutoScalingServiceRolePolicy");
}

TEST(ServiceRoles, ParseRefusesMalformedLines) {
  auto ok = parse_service_roles(
      "# comment\nb.amazonaws.com\tAWSServiceRoleForB\tno\tBPolicy\tdocs\n"
      "a.amazonaws.com\tAWSServiceRoleForA\tyes\tAPolicy\trecorded\n");
  ASSERT_TRUE(ok.has_value());
  ASSERT_EQ(ok->size(), 2u);
  EXPECT_EQ((*ok)[0].service, "a.amazonaws.com");
  EXPECT_TRUE((*ok)[0].custom_suffix);
  for (std::string_view bad :
       {"a.amazonaws.com\tAWSServiceRoleForA\tmaybe\tP\tdocs\n", "a.amazonaws.com\tAWSServiceRoleForA\tno\tP\n",
        "a\tAWSServiceRoleForA\tno\tP\tdocs\n", "a.amazonaws.com\tRoleA\tno\tP\tdocs\n",
        "a.amazonaws.com\tAWSServiceRoleForA\tno\tP\tdocs\n"
        "a.amazonaws.com\tAWSServiceRoleForA\tno\tP\tdocs\n"}) {
    EXPECT_FALSE(parse_service_roles(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace iamd::iam
