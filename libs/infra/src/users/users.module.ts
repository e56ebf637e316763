import { Module } from '@nestjs/common';
import { Database } from '../database/sql';
import { TargetsModule } from '../performance-target/targets.module';
import { LoginHandler } from './login';
import { UserSessions } from './user-sessions';
import { ChangeUserHandler, CreateUserHandler, ListUsersHandler } from './users.commands';

/** 用户: accounts, sign-in, and the sessions the API's guard checks each token against. */
@Module({
  imports: [TargetsModule],
  providers: [
    {
      provide: UserSessions,
      useFactory: (db: Database) => new UserSessions(db),
      inject: [Database],
    },
    CreateUserHandler,
    ChangeUserHandler,
    ListUsersHandler,
    LoginHandler,
  ],
  exports: [UserSessions],
})
export class UsersModule {}
